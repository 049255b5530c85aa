"""Hypothesis strategies for the parser's property tests: layouts and their knobs."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.corpus.layouts import PdfStyle

SHIPPED_SYMBOLS = st.sampled_from(["S/2016/501", "S/2018/80"])


@st.composite
def pdf_styles(draw: st.DrawFn) -> PdfStyle:
    """Hard-wrapped pdftotext output at any width from 40 to 120 columns.

    Marks follow punctuation or words, glued or spaced ("States.4", "States. 4", "ISIL4",
    "ISIL 4"): the shapes pdftotext gives superscripts."""
    return PdfStyle(
        width=draw(st.integers(40, 120)),
        lines_per_page=draw(st.integers(25, 60)),
        marks_after_punctuation=draw(st.sampled_from(["glued", "spaced"])),
        marks_after_words=draw(st.sampled_from(["glued", "spaced"])),
        rule_above_footnotes=draw(st.booleans()),
        hyphenate_words=draw(st.booleans()),
        page_number_first=draw(st.booleans()),
        hanging_labels=draw(st.booleans()),
    )
