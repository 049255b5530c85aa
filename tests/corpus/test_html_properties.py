"""Property: however a web page marks a report up, it reads to the report's paragraphs.

Inline tags around words, line breaks and indentation inside paragraphs (HTML collapses them),
and scripts, styles, navigation and hidden blocks between paragraphs (with decoy numbered text)
never change the paragraphs, and no markup reaches them.
"""

from __future__ import annotations

from html import escape
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.decode import decode_text
from corpus.manifest import ManifestEntry
from corpus.parse import ParsedReport, parse_report

DECOY = "9. A decoy paragraph that a reader never sees on the page at all."
NOISE = [
    f"<script>var note = '{DECOY}';</script>",
    "<style>p { margin: 0 }</style>",
    f"<nav><a href='/'>Home</a> <a href='/s'>{DECOY}</a></nav>",
    f"<div hidden>{DECOY}</div>",
    f"<div aria-hidden='true'>{DECOY}</div>",
    "<!-- 9. a comment -->",
    "<noscript>Enable JavaScript.</noscript>",
]
INLINE = ["{}", "<b>{}</b>", "<i>{}</i>", "<span class='w'>{}</span>", "<a href='#x'>{}</a>"]
SPACES = [" ", "\n", "\n    ", "\t", "  "]


def marked_up(rnd: Random, text: str) -> str:
    words = text.split(" ")
    out = []
    for word in words:
        out.append(rnd.choice(INLINE).format(escape(word)))
        out.append(rnd.choice(SPACES))
    return "".join(out[:-1])


@st.composite
def pages(draw: st.DrawFn, parsed: ParsedReport) -> str:
    report = parsed.report
    rnd = Random(draw(st.integers(0, 2**32)))  # one draw: a page makes thousands of choices
    parts = ["<!DOCTYPE html><html><head><title>x</title></head><body>"]
    parts.append(f"<p>{escape(report.meta.symbol)}</p><h1>{escape(report.meta.title)}</h1>")
    next_heading = 0
    for index, paragraph in enumerate(report.paragraphs):
        while (
            next_heading < len(report.headings)
            and report.headings[next_heading].text in paragraph.section
        ):
            heading = report.headings[next_heading]
            parts.append(f"<h2>{escape(heading.text)}</h2>")
            next_heading += 1
        if rnd.random() < 0.5:
            parts.append(rnd.choice(NOISE))
        text, position, pieces = paragraph.text, 0, []
        for mark in parsed.paragraph_marks[index]:
            pieces.append(marked_up(rnd, text[position : mark.offset].strip()))
            pieces.append(f"<sup><a href='#fn{mark.number}'>{mark.number}</a></sup> ")
            position = mark.offset
        pieces.append(marked_up(rnd, text[position:].strip()))
        parts.append(f"<p>{paragraph.number}.{rnd.choice(SPACES)}{''.join(pieces)}</p>")
    parts.append("<section class='footnotes'><h2>Notes</h2><ol>")
    parts += [f"<li>{escape(f.text)}</li>" for f in report.footnotes]
    parts.append("</ol></section></body></html>")
    return "\n".join(parts)


def _first_paragraphs(shipped: dict[str, ParsedReport], count: int) -> ParsedReport:
    """S/2018/80 cut to its first paragraphs and footnotes 1 to the last they cite (examples
    stay fast; the footnotes list keeps its numbering)."""
    parsed = shipped["S/2018/80"]
    report = parsed.report
    paragraphs = report.paragraphs[:count]
    last = max(f.number for p in paragraphs for f in p.footnotes)
    footnotes = tuple(f for f in report.footnotes if f.number <= last)
    cut = type(report)(report.meta, paragraphs, report.headings, footnotes)
    return ParsedReport(cut, parsed.paragraph_marks[:count], parsed.heading_marks)


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_markup_never_changes_the_paragraphs(
    data: st.DataObject, shipped: dict[str, ParsedReport], manifest: list[ManifestEntry]
) -> None:
    parsed = _first_paragraphs(shipped, 12)
    page = data.draw(pages(parsed))
    text = decode_text(page.encode(), source="page.html")
    assert "<" not in text
    assert "decoy" not in text
    report = parse_report(text, source="page.html", manifest=manifest)
    assert report.paragraphs == parsed.report.paragraphs
