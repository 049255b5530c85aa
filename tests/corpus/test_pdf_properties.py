"""Property: however a report is typeset, its PDF reads to the paragraphs of its text.

Each example writes a small report as text, parses it, typesets it with fpdf2 on a random page
size and margins, font and size, running header and footer, and footnote style (footnotes at
the foot of the page where each is cited), and reads the PDF back.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.decode import decode_text
from corpus.metadata import MetaFlags
from corpus.parse import parse_document, parse_report
from tests.corpus.documents.fpdf_report import Style, render_pdf

WORDS = [
    "group",
    "network",
    "members",
    "fighters",
    "funds",
    "border",
    "travel",
    "states",
    "council",
    "threat",
    "attacks",
    "region",
    "support",
    "cooperation",
    "report",
    "measures",
    "information",
    "security",
    "financing",
    "capacity",
    "assistance",
    "returnees",
    "prisons",
    "online",
    "propaganda",
    "recruitment",
    "territory",
    "control",
]
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FLAGS = MetaFlags(symbol="S/2099/7", date="2099-03-01")


@st.composite
def sentences(draw: st.DrawFn, marks: list[int] | None, max_sentences: int = 3) -> str:
    """One to a few sentences; some words carry the next footnote mark (unless marks is None)."""
    out = []
    for _ in range(draw(st.integers(1, max_sentences))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=18))
        words[0] = words[0].capitalize()
        for index in range(len(words)):
            if marks is not None and len(marks) < 6 and draw(st.integers(0, 30)) == 0:
                marks.append(len(marks) + 1)
                words[index] += str(marks[-1]).translate(SUPERSCRIPT)
        out.append(" ".join(words) + ".")
    return " ".join(out)


@st.composite
def report_texts(draw: st.DrawFn) -> str:
    """A report in the web layout: title, two levels of headings, paragraphs, footnotes."""
    marks: list[int] = []
    lines = ["Report of the Secretary-General on the threat posed by testing groups", ""]
    number = 0
    for roman in ("I", "II", "III")[: draw(st.integers(1, 3))]:
        lines += [f"{roman}. {draw(st.sampled_from(WORDS)).capitalize()} assessment", ""]
        for letter in "AB"[: draw(st.integers(0, 2))]:
            lines += [f"{letter}. {draw(st.sampled_from(WORDS)).capitalize()} trends", ""]
            for _ in range(draw(st.integers(1, 3))):
                number += 1
                lines += [f"{number}. {draw(sentences(marks))}", ""]
        number += 1
        lines += [f"{number}. {draw(sentences(marks, 5))}", ""]
    for mark in marks:
        lines += [f"{str(mark).translate(SUPERSCRIPT)} {draw(sentences(None, 2))}", ""]
    return "\n".join(lines)


styles = st.builds(
    Style,
    page=st.tuples(st.floats(360, 800), st.floats(520, 1100)),
    margins=st.tuples(st.floats(40, 100), st.floats(30, 90), st.floats(45, 100), st.floats(30, 90)),
    font=st.sampled_from(["Helvetica", "Times", "Courier"]),
    size=st.floats(8.5, 12.5),
    header=st.sampled_from(["{symbol}", "{symbol} Security Council", ""]),
    footer=st.sampled_from(["Page {page} of {nb}", "{job}  {page}/{nb}", "{page}", ""]),
    rule=st.booleans(),
    note_numbers=st.sampled_from(["superscript", "plain"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=report_texts(), style=styles)
def test_typesetting_never_changes_the_paragraphs(text: str, style: Style) -> None:
    parsed = parse_document(text, flags=FLAGS)
    pdf = render_pdf(parsed, style)
    report = parse_report(decode_text(pdf, source="r.pdf"), source="r.pdf", flags=FLAGS)
    assert report.paragraphs == parsed.report.paragraphs
    assert report.footnotes == parsed.report.footnotes
    assert report.warnings == ()
