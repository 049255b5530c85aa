"""The acceptance facts of the shipped reports, checked against their source text."""

from __future__ import annotations

import re

import pytest

from corpus.lines import SUPERSCRIPT_DIGITS
from corpus.parse import ParsedReport

OLD, NEW = "S/2016/501", "S/2018/80"
MARKDOWN_RESIDUE = re.compile(r"\]\(|\\[()$\[\]]|\(#\)")


def _cleaned_source_lines(text: str) -> list[str]:
    """The source's non-blank lines with residue and marks removed, written independently of
    the parser: a line must reappear verbatim inside what the parser produced."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", line)
        line = re.sub(r"\\([()$])", r"\1", line)
        line = re.sub(rf"[{SUPERSCRIPT_DIGITS}]+", "", line).strip()
        if line:
            lines.append(line)
    return lines


def _all_texts(parsed: ParsedReport) -> list[str]:
    report = parsed.report
    return (
        [p.text for p in report.paragraphs]
        + [h.title for h in report.headings]
        + [f.text for f in report.footnotes]
    )


@pytest.mark.parametrize(("symbol", "count"), [(OLD, 91), (NEW, 86)])
def test_paragraphs_run_one_to_n(shipped: dict[str, ParsedReport], symbol: str, count: int) -> None:
    report = shipped[symbol].report
    assert [p.number for p in report.paragraphs] == list(range(1, count + 1))
    assert {p.report for p in report.paragraphs} == {symbol}
    assert report.warnings == ()


def test_old_report_has_no_footnotes(shipped: dict[str, ParsedReport]) -> None:
    report = shipped[OLD].report
    assert report.footnotes == ()
    assert all(p.footnotes == () for p in report.paragraphs)


def test_new_report_footnotes_attach_by_number(shipped: dict[str, ParsedReport]) -> None:
    report = shipped[NEW].report
    assert [f.number for f in report.footnotes] == list(range(1, 68))
    cited = [f.number for p in report.paragraphs for f in p.footnotes]
    # Marks run in sequence through the text; footnote 3 alone is cited by a heading.
    assert cited == [n for n in range(1, 68) if n != 3]
    assert len(cited) == 66
    (heading,) = [h for h in report.headings if h.footnotes]
    assert (heading.text, heading.footnotes) == ("II. Threat assessment", (3,))
    by_number = {f.number: f for f in report.footnotes}
    assert all(by_number[f.number] == f for p in report.paragraphs for f in p.footnotes)


def test_a_mark_after_a_footnote_block_attaches_to_the_continued_paragraph(
    shipped: dict[str, ParsedReport],
) -> None:
    paragraph = shipped[NEW].report.paragraphs[12]  # 13 continues after footnotes 11-15
    assert paragraph.number == 13
    assert [f.number for f in paragraph.footnotes] == [16, 17, 18, 19, 20, 21]
    assert "oil and gas fields in the Syrian Arab Republic. Because" in paragraph.text


def test_thirteen_paragraphs_continue_after_a_page_break(
    shipped: dict[str, ParsedReport], shipped_texts: dict[str, str]
) -> None:
    report = shipped[NEW].report
    raw = [line for line in shipped_texts[NEW].split("\n") if line.strip()]
    first_paragraph = next(i for i, line in enumerate(raw) if line.startswith("1. "))
    cleaned = _cleaned_source_lines("\n".join(raw))
    unlabelled = [
        cleaned[index]
        for index, line in enumerate(raw)
        if index > first_paragraph
        and not re.match(rf"(\d+\.|[IVX]+\.|[A-Z]\.|[{SUPERSCRIPT_DIGITS}]+) ", line)
    ]
    assert len(unlabelled) == 13
    for continuation in unlabelled:
        (paragraph,) = [p for p in report.paragraphs if continuation in p.text]
        assert paragraph.text.endswith(continuation) or f"{continuation} " in paragraph.text
        assert not paragraph.text.startswith(continuation)
        assert f" {continuation}" in paragraph.text  # joined to the cut text with one space
    assert "Counter-Terrorism Implementation Task Force, is assisting" in report.paragraphs[53].text


@pytest.mark.parametrize("symbol", [OLD, NEW])
def test_every_source_line_lands_somewhere_exactly(
    shipped: dict[str, ParsedReport], shipped_texts: dict[str, str], symbol: str
) -> None:
    texts = _all_texts(shipped[symbol])
    meta = shipped[symbol].report.meta
    header = {meta.title, "Security Council", "Distr.: General", "Original: English"}
    for line in _cleaned_source_lines(shipped_texts[symbol]):
        body = re.sub(r"^(\d+\.|[IVX]+\.|[A-Z]\.|\d+)\s+", "", line)
        assert (
            line in header
            or re.fullmatch(r"\d+ \w+ \d{4}", line)
            or any(body in text for text in texts)
        ), line


@pytest.mark.parametrize("symbol", [OLD, NEW])
def test_no_header_heading_or_footnote_text_inside_a_paragraph(
    shipped: dict[str, ParsedReport], symbol: str
) -> None:
    report = shipped[symbol].report
    intruders = [h.text for h in report.headings] + [f.text for f in report.footnotes]
    intruders += ["Distr.", "Original: English", report.meta.title]
    for paragraph in report.paragraphs:
        assert not [t for t in intruders if t in paragraph.text], paragraph.number
        assert not re.search(rf"[{SUPERSCRIPT_DIGITS}]", paragraph.text)
        assert not MARKDOWN_RESIDUE.search(paragraph.text), paragraph.number
        assert paragraph.text == paragraph.text.strip()
        assert "  " not in paragraph.text


def test_link_residue_and_escapes_are_cleaned(shipped: dict[str, ParsedReport]) -> None:
    report = shipped[NEW].report
    assert report.paragraphs[0].text.startswith(
        "In adopting its resolution 2253 (2015), the Security Council expressed"
    )
    assert not any(MARKDOWN_RESIDUE.search(f.text) for f in report.footnotes)
    assert report.footnotes[0].text == (
        "See S/2016/92, S/2016/501, S/2016/830, S/2017/97 and S/2017/467."
    )
    assert any("$" in p.text for p in report.paragraphs)


def test_lettered_lists_stay_inside_their_paragraph(shipped: dict[str, ParsedReport]) -> None:
    paragraph = shipped[NEW].report.paragraphs[39]
    assert paragraph.number == 40
    assert paragraph.text.startswith("The Security Council: (a) in its resolution 2354 (2017)")
    assert "; (b) in its resolution 2370 (2017)" in paragraph.text


def test_numbered_subheadings_are_headings(shipped: dict[str, ParsedReport]) -> None:
    report = shipped[OLD].report
    subheadings = [h.text for h in report.headings if h.level == 3]
    assert subheadings[:2] == ["1. ISIL in Libya", "2. ISIL in Afghanistan"]
    assert len(subheadings) == 6
    assert report.paragraphs[25].section == (
        "III. Evolving aspects of the threat",
        "A. Geographical evolution of the threat posed by ISIL",
        "1. ISIL in Libya",
    )
    assert report.paragraphs[36].section[-1] == (
        "1. Use of information communications technology platforms by ISIL"
    )
    assert report.paragraphs[47].section == (
        "IV. Updates on implementation by Member States of the relevant counter-terrorism "
        "resolutions",
        "A. Criminal justice and legislation",
    )


def test_sections_of_the_new_report(shipped: dict[str, ParsedReport]) -> None:
    report = shipped[NEW].report
    assert report.paragraphs[11].section == (
        "II. Threat assessment",
        "B. Regional trends",
        "1. Middle East",
    )
    assert report.paragraphs[83].section == ("IV. Observations",)
    assert [h.text for h in report.headings if h.level == 1] == [
        "I. Introduction",
        "II. Threat assessment",
        "III. Updates on responses to the evolving threat",
        "IV. Observations",
    ]


def test_metadata(shipped: dict[str, ParsedReport]) -> None:
    new, old = shipped[NEW].report.meta, shipped[OLD].report.meta
    assert (new.symbol, str(new.date), new.ordinal) == (NEW, "2018-01-31", 6)
    assert new.title.startswith("Sixth report of the Secretary-General on the threat posed by")
    assert (old.symbol, str(old.date), old.ordinal) == (OLD, "2016-05-31", 2)


@pytest.mark.parametrize("symbol", [OLD, NEW])
def test_marks_point_into_the_text(shipped: dict[str, ParsedReport], symbol: str) -> None:
    parsed = shipped[symbol]
    for paragraph, marks in zip(parsed.report.paragraphs, parsed.paragraph_marks, strict=True):
        assert sorted({m.number for m in marks}) == [f.number for f in paragraph.footnotes]
        assert all(0 < m.offset <= len(paragraph.text) for m in marks)
