"""Write a parsed report out as a browser's "save page" would: site navigation, scripts, styles,
a masthead, `<sup>` footnote marks linking to the footnotes at the end, and a site footer.

Two styles, as the UN documents site and ReliefWeb differ: paragraphs as `<p>N. text</p>` with a
footnotes `<ol>`, or paragraphs as `<ol start=N>` items with footnotes as `<p><sup>N</sup> …`.
"""

from __future__ import annotations

from html import escape

from corpus.footnotes import Mark
from corpus.parse import ParsedReport

MONTHS = "January February March April May June July August September October November December"

_TOP = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{symbol} - {title_short} | Official Documents</title>
<style>body {{ font-family: serif; }} .nav a {{ margin: 0 1em; }} sup a {{ color: #036; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }}
if (1 < 2 && document.title) {{ gtag("js", new Date()); }}</script>
</head>
<body>
<header class="site"><nav class="nav" role="navigation"><a href="/">Home</a>
<a href="/search">Search documents</a><a href="/about">About</a>
<ul><li>English</li><li>Français</li><li>Español</li></ul></nav>
<form action="/search"><input name="q"><button>Search</button></form></header>
<div class="breadcrumbs" aria-hidden="true">Home &gt; Documents &gt; {symbol}</div>
<main id="content"><article>
<div class="masthead"><p>United Nations</p><p>{symbol}</p><p>Security Council</p>
<p>Distr.: General<br>{date}</p><p>Original: English</p></div>
<h1>{title}</h1>
"""
_BOTTOM = """</article></main>
<footer class="site-footer"><p>Privacy notice</p><p>Terms of use</p>
<p>Copyright United Nations</p></footer>
<script src="/static/analytics.js"></script>
<noscript>Enable JavaScript for the full site.</noscript>
</body></html>
"""


def saved_page(parsed: ParsedReport, *, style: str = "paragraphs") -> str:
    """The report as a saved web page; `style` is "paragraphs" or "lists"."""
    report = parsed.report
    meta = report.meta
    assert meta.date is not None
    date = f"{meta.date.day} {MONTHS.split()[meta.date.month - 1]} {meta.date.year}"
    parts = [
        _TOP.format(
            symbol=meta.symbol,
            title=escape(meta.title),
            title_short=escape(meta.title[:40]),
            date=date,
        )
    ]
    next_heading = 0
    for index, paragraph in enumerate(report.paragraphs):
        while (
            next_heading < len(report.headings)
            and report.headings[next_heading].text in paragraph.section
        ):
            heading = report.headings[next_heading]
            title = _marked(heading.title, parsed.heading_marks[next_heading])
            level = heading.level + 1
            parts.append(f"<h{level}>{escape(heading.label)} {title}</h{level}>")
            next_heading += 1
        text = _marked(paragraph.text, parsed.paragraph_marks[index])
        if style == "lists":
            parts.append(f'<ol start="{paragraph.number}"><li>{text}</li></ol>')
        else:
            parts.append(f"<p>{paragraph.number}.&nbsp;&nbsp;{text}</p>")
    if report.footnotes:
        parts.append('<section class="footnotes" role="doc-endnotes"><h2>Notes</h2>')
        if style == "lists":
            parts += [
                f'<p id="fn{f.number}"><sup>{f.number}</sup> {escape(f.text)}</p>'
                for f in report.footnotes
            ]
        else:
            parts.append("<ol>")
            parts += [f'<li id="fn{f.number}">{escape(f.text)}</li>' for f in report.footnotes]
            parts.append("</ol>")
        parts.append("</section>")
    parts.append(_BOTTOM)
    return "\n".join(parts)


def _marked(text: str, marks: tuple[Mark, ...]) -> str:
    out, position = [], 0
    for mark in sorted(marks, key=lambda m: m.offset):
        offset = min(mark.offset, len(text))
        out.append(escape(text[position:offset]))
        out.append(f'<sup><a href="#fn{mark.number}">{mark.number}</a></sup>')
        position = offset
    out.append(escape(text[position:]))
    return "".join(out)
