"""Each structural rule of the parser, on small hand-made texts."""

from __future__ import annotations

import pytest

from corpus.parse import MetaFlags, parse_report

FLAGS = MetaFlags(symbol="S/2099/1", date="2099-01-31")


def parse(text: str, **kwargs: object) -> object:
    return parse_report(text, flags=FLAGS, **kwargs)  # type: ignore[arg-type]


def test_one_paragraph_per_line_with_headings() -> None:
    report = parse_report(
        "A report on something of interest to the Council\n"
        "I. Introduction\n"
        "1. The first paragraph.\n"
        "II. Threat\n"
        "A. Overview\n"
        "2. The second paragraph.\n"
        "B. Trends\n"
        "3. The third paragraph.\n",
        flags=FLAGS,
    )
    assert [(p.number, p.section) for p in report.paragraphs] == [
        (1, ("I. Introduction",)),
        (2, ("II. Threat", "A. Overview")),
        (3, ("II. Threat", "B. Trends")),
    ]
    assert [(h.label, h.title, h.level) for h in report.headings][:2] == [
        ("I.", "Introduction", 1),
        ("II.", "Threat", 1),
    ]
    assert report.meta.title == "A report on something of interest to the Council"


def test_numbered_subheading_is_found_by_the_sequence() -> None:
    report = parse_report(
        "I. Regions\n"
        "1. The first paragraph.\n"
        "A. Africa\n"
        "1. North Africa\n"
        "2. The second paragraph.\n"
        "2. East Africa\n"
        "3. The third paragraph.\n",
        flags=FLAGS,
    )
    assert [p.section for p in report.paragraphs] == [
        ("I. Regions",),
        ("I. Regions", "A. Africa", "1. North Africa"),
        ("I. Regions", "A. Africa", "2. East Africa"),
    ]


def test_subheading_equal_to_the_next_paragraph_number() -> None:
    report = parse_report(
        "I. Regions\nA. Africa\n1. North Africa\n1. The first paragraph.\n"
        "2. West Africa\n2. The second paragraph.\n",
        flags=FLAGS,
    )
    assert [h.text for h in report.headings] == [
        "I. Regions",
        "A. Africa",
        "1. North Africa",
        "2. West Africa",
    ]
    assert [p.number for p in report.paragraphs] == [1, 2]


def test_a_title_like_line_numbered_as_the_next_paragraph_stays_a_paragraph() -> None:
    report = parse_report(
        "I. Regions\nA. Africa\n1. Short first paragraph\n2. The second one.\n", flags=FLAGS
    )
    assert [p.text for p in report.paragraphs] == ["Short first paragraph", "The second one."]


def test_page_break_continuations_join_after_footnotes_or_a_blank_line() -> None:
    report = parse_report(
        "I. Introduction\n\n"
        "1. Member States¹ reported that the group\n\n"
        "¹ Information provided by a Member State.\n\n"
        "² See S/2017/35.\n\n"
        "Continues after the footnotes.² It ends here.\n\n"
        "2. A second paragraph that the page cut after the word\n\n\n"
        "Capitalised continuation after a blank line only.\n",
        flags=FLAGS,
    )
    first, second = report.paragraphs
    assert first.text == (
        "Member States reported that the group Continues after the footnotes. It ends here."
    )
    assert [f.number for f in first.footnotes] == [1, 2]
    assert second.text.endswith("after the word Capitalised continuation after a blank line only.")


def test_heading_footnote_attaches_to_the_heading() -> None:
    report = parse_report(
        "I. Introduction\n\n1. One.\n\nII. Threat assessment³\n\n2. Two.¹ ²\n\n"
        "¹ First.\n\n² Second.\n\n³ Third.\n",
        flags=FLAGS,
    )
    threat = report.headings[1]
    assert (threat.title, threat.footnotes) == ("Threat assessment", (3,))
    assert report.paragraphs[1].section == ("II. Threat assessment",)
    assert report.paragraphs[1].text == "Two."
    assert [f.number for f in report.paragraphs[1].footnotes] == [1, 2]
    assert all(3 not in [f.number for f in p.footnotes] for p in report.paragraphs)


def test_superscripts_from_both_unicode_blocks() -> None:
    report = parse_report(
        "1. A¹ b² c³ d⁴ e¹⁰ f.\n\n" + "".join(f"{s} Note.\n" for s in "¹²³⁴") + "¹⁰ Ten.\n",
        flags=FLAGS,
    )
    assert report.paragraphs[0].text == "A b c d e f."
    assert [f.number for f in report.paragraphs[0].footnotes] == [1, 2, 3, 4, 10]


def test_markdown_residue_and_escapes() -> None:
    report = parse_report(
        r"1. In its resolution [2253 \(2015\)](#) and [S/2017/35](https://undocs.org/S/2017/35),"
        r" it spent \$5 \*million\*." + "\n",
        flags=FLAGS,
    )
    assert report.paragraphs[0].text == (
        "In its resolution 2253 (2015) and S/2017/35, it spent $5 *million*."
    )


def test_lettered_items_on_their_own_lines_stay_in_the_paragraph() -> None:
    report = parse_report(
        "1. States should: (a) criminalize travel;\n"
        "    (b) share information;\n"
        "    (c) prosecute.\n"
        "2. Next.\n",
        flags=FLAGS,
    )
    assert report.paragraphs[0].text == (
        "States should: (a) criminalize travel; (b) share information; (c) prosecute."
    )


HARD_WRAPPED = """\
S/2099/1

Security Council

Distr.: General
3 March 2099

Original: English

Report of the Secretary-General on the range of United Nations
efforts in support of Member States

I. Introduction

1. The Counter-Terrorism Committee and its Executive Directorate pre-
pared this report with the support of the Counter-
Terrorism Implementation Task Force by Member States.1 The Council
welcomed it. Member States. 2 The 4 regional
organizations counter-terrorism efforts are
reported in detail below as preparation for the
18-01235   2/9
\f
S/2099/1

next phase.
2. The Counter-Terrorism Committee prepared the report in 2016.
__________________
1 Information provided by a Member State.
2 See S/2017/35, paras. 16 and
17.

3/9   18-01235
"""


def test_hard_wrapped_text_with_page_furniture_and_plain_marks() -> None:
    report = parse_report(HARD_WRAPPED)
    assert report.meta.symbol == "S/2099/1"
    assert str(report.meta.date) == "2099-03-03"
    assert report.meta.title == (
        "Report of the Secretary-General on the range of United Nations efforts in support of "
        "Member States"
    )
    first, second = report.paragraphs
    assert first.text == (
        "The Counter-Terrorism Committee and its Executive Directorate prepared this report with "
        "the support of the Counter-Terrorism Implementation Task Force by Member States. The "
        "Council welcomed it. Member States. The 4 regional organizations counter-terrorism "
        "efforts are reported in detail below as preparation for the next phase."
    )
    assert [f.number for f in first.footnotes] == [1, 2]
    assert first.footnotes[1].text == "See S/2017/35, paras. 16 and 17."
    # "pre-/pared" loses its hyphen (the text has "prepared" elsewhere); "Counter-/Terrorism"
    # keeps it (the text has "Counter-Terrorism" elsewhere).
    assert second.text == "The Counter-Terrorism Committee prepared the report in 2016."
    assert report.warnings == ()


def test_plain_digits_are_marks_only_with_a_definition() -> None:
    text = (
        "I. Introduction\n\n"
        "1. About 4 of the 12 States reported.1 The group has 3 cells and\n"
        "lost 2 of them in 2017.\n"
        "2. Nothing more.\n"
        "__________________\n"
        "1 Information provided by a Member State.\n"
        "18-01235   1/1\n"
    )
    report = parse_report(text, flags=FLAGS)
    assert report.paragraphs[0].text == (
        "About 4 of the 12 States reported. The group has 3 cells and lost 2 of them in 2017."
    )
    assert [f.number for f in report.paragraphs[0].footnotes] == [1]


def test_web_page_layout() -> None:
    report = parse_report(
        "Skip to main content\n"
        "Home\n"
        "Documents\n"
        "Fourth report of the Secretary-General on the threat posed by ISIL (Da'esh) "
        "(S/2017/97) [EN/AR]\n"
        "I. Introduction\n"
        "      1. The first paragraph.\n"
        "      2. The second paragraph.\n"
    )
    assert report.meta.symbol == "S/2017/97"
    assert report.meta.title == (
        "Fourth report of the Secretary-General on the threat posed by ISIL (Da'esh)"
    )
    assert report.meta.ordinal == 4
    assert [p.text for p in report.paragraphs] == ["The first paragraph.", "The second paragraph."]


def test_warnings_for_unreferenced_footnotes_and_marks_without_footnotes() -> None:
    report = parse_report("1. One.⁷\n\n¹ Never cited.\n", flags=FLAGS)
    assert report.paragraphs[0].text == "One."
    assert report.paragraphs[0].footnotes == ()
    assert set(report.warnings) == {
        "footnote 1 (line 3) is never referenced in the text",
        "footnote mark 7 in paragraph 1 has no footnote text",
    }


def test_crlf_and_bom_are_tolerated() -> None:
    report = parse_report("\ufeffI. Intro\r\n1. One.\r\n2. Two.\r\n", flags=FLAGS)
    assert [p.text for p in report.paragraphs] == ["One.", "Two."]


@pytest.mark.parametrize("number_line", ["14. Fourteen.", "2016. The year."])
def test_a_number_after_an_unfinished_sentence_continues_it(number_line: str) -> None:
    report = parse_report(
        f"1. One ends at a page break in\n\n{number_line}\n2. Two.\n", flags=FLAGS
    )
    assert report.paragraphs[0].text == f"One ends at a page break in {number_line}"


def test_labels_on_lines_of_their_own_and_first_page_furniture() -> None:
    """pdftotext sets hanging numbers apart and keeps the first page's barcode and dates."""
    report = parse_report(
        "United Nations\n\nS/2099/4\n\nSecurity Council\n\nDistr.: General\n5 May 2099\n\n"
        "Original: English\n\n99-01235 (E)\n\n060599\n\n*9901235*\n\n"
        "Report of the Secretary-General on the matter at hand for the Council\n\n"
        "I.\n\nIntroduction\n\n1.\n\nThe first paragraph.\n\n2.\nThe second paragraph.\n\n7\n"
    )
    assert (report.symbol, str(report.meta.date)) == ("S/2099/4", "2099-05-05")
    assert report.meta.title.startswith("Report of the Secretary-General on the matter")
    assert [h.text for h in report.headings] == ["I. Introduction"]
    assert [p.text for p in report.paragraphs] == ["The first paragraph.", "The second paragraph."]


def test_an_annex_ends_the_report_body() -> None:
    report = parse_report(
        "I. Introduction\n1. One.\n2. Two.\nAnnex\nList of participants\n1. Annex item.\n",
        flags=FLAGS,
    )
    assert [p.text for p in report.paragraphs] == ["One.", "Two."]
    assert report.warnings == (
        "ignored the annex from line 4 on: only the report's own numbered paragraphs are ingested",
    )


def test_footnote_numbers_on_lines_of_their_own_under_the_rule() -> None:
    report = parse_report(
        "I. Introduction\n\n1. The group lost its revenue.1 It moved\nfunds abroad.2\n"
        "__________________\n1\n\nInformation provided by a Member State.\n2\nSee S/2017/35.\n\n"
        "3\n\f2. Second paragraph.\n",
        flags=FLAGS,
    )
    first, second = report.paragraphs
    assert first.text == "The group lost its revenue. It moved funds abroad."
    assert [(f.number, f.text) for f in first.footnotes] == [
        (1, "Information provided by a Member State."),
        (2, "See S/2017/35."),
    ]
    assert second.text == "Second paragraph."


def test_a_web_page_footer_after_the_last_paragraph_is_left_out() -> None:
    report = parse_report(
        "I. Introduction\n1. One.\n2. Two, cut by a page\n\nbreak here. The end.\n\n"
        "Back to top\nPrivacy notice\n© United Nations\n",
        flags=FLAGS,
    )
    assert report.paragraphs[-1].text == "Two, cut by a page break here. The end."
    assert report.warnings == tuple(
        f"ignored text outside any numbered paragraph at line {line}" for line in (7, 8, 9)
    )


def test_a_short_final_continuation_after_an_unfinished_sentence_is_kept() -> None:
    report = parse_report("1. One.\n2. Two ends on the next\n\npage.\n", flags=FLAGS)
    assert report.paragraphs[-1].text == "Two ends on the next page."


def test_short_list_items_ending_the_last_paragraph_are_kept() -> None:
    report = parse_report(
        "1. One.\n2. States should:\n(a) act;\n(b) share;\n(c) prosecute.\n", flags=FLAGS
    )
    assert report.paragraphs[-1].text == "States should: (a) act; (b) share; (c) prosecute."
    assert report.warnings == ()


def test_an_undated_report_takes_its_year_from_the_symbol_and_says_so() -> None:
    text = "Report of the Secretary-General on testing\nI. Introduction\n1. The Council met.\n"
    report = parse_report(text, flags=MetaFlags(symbol="S/2019/103"))
    assert report.meta.date is None
    assert report.meta.year == 2019  # so `--year 2019` finds it
    assert report.warnings == (
        "no date in the text, the manifest or --date: the year 2019 is taken from the symbol "
        "S/2019/103",
    )


def test_an_undated_report_whose_symbol_has_no_year_says_year_will_miss_it() -> None:
    text = "Report of the Secretary-General on testing\nI. Introduction\n1. The Council met.\n"
    report = parse_report(text, flags=MetaFlags(symbol="A/73/361"))
    assert report.meta.symbol == "A/73/361"
    assert report.meta.year is None
    assert "--year will not find this report" in report.warnings[0]
