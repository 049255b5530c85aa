"""Bad input at the parser: each refusal is a UserError that says where and what."""

from __future__ import annotations

import pytest

from corpus.decode import MAX_REPORT_BYTES, decode_text
from corpus.errors import MetadataConflict, ParseError, UserError
from corpus.parse import MetaFlags, parse_report

FLAGS = MetaFlags(symbol="S/2099/1", date="2099-01-31")


def _numbered(*numbers: int) -> str:
    return "I. Introduction\n" + "".join(f"{n}. Paragraph number {n}.\n" for n in numbers)


def test_empty_text() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_report(" \n\n", flags=FLAGS)


def test_binary_is_refused_before_parsing() -> None:
    with pytest.raises(ParseError, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_oversize_is_refused() -> None:
    with pytest.raises(ParseError, match="bytes are refused"):
        decode_text(b" " * (MAX_REPORT_BYTES + 1))


def test_no_numbered_paragraphs() -> None:
    with pytest.raises(ParseError, match="no numbered paragraphs found") as caught:
        parse_report("Some notes\nabout a report.\n\nMore prose, no numbers.\n", flags=FLAGS)
    assert isinstance(caught.value, UserError)


def test_missing_number_names_line_and_problem() -> None:
    text = _numbered(1, 2, 3, 5, 6)
    with pytest.raises(ParseError) as caught:
        parse_report(text, source="gappy.txt", flags=FLAGS)
    assert str(caught.value) == (
        "gappy.txt: paragraph 5 follows 3 at line 5; if the report really is numbered this way, "
        "ingest it with --allow-irregular (gaps then become warnings)"
    )
    assert (caught.value.line, caught.value.problem) == (5, "paragraph 5 follows 3")


def test_first_paragraph_must_be_one() -> None:
    with pytest.raises(ParseError, match="the first paragraph is numbered 2, not 1 at line 2"):
        parse_report(_numbered(2, 3), flags=FLAGS)


def test_allow_irregular_accepts_gaps_and_says_so() -> None:
    report = parse_report(_numbered(1, 2, 4, 5), flags=FLAGS, allow_irregular=True)
    assert [p.number for p in report.paragraphs] == [1, 2, 4, 5]
    assert report.warnings == ("paragraph 4 follows 2 at line 4 (accepted: --allow-irregular)",)


@pytest.mark.parametrize("allow_irregular", [False, True])
def test_duplicate_numbers_are_refused_even_when_irregular_is_allowed(
    allow_irregular: bool,
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_report(_numbered(1, 2, 2, 3), flags=FLAGS, allow_irregular=allow_irregular)
    message = str(caught.value)
    assert message.startswith("paragraph 2 appears twice (first at line 3)")
    assert "even with --allow-irregular" in message
    assert message.endswith("at line 4")


def test_symbol_conflicting_with_flags() -> None:
    text = "S/2018/80\n\nI. Introduction\n\n1. One.\n"
    with pytest.raises(MetadataConflict) as caught:
        parse_report(text, flags=MetaFlags(symbol="S/2018/81"))
    assert str(caught.value) == (
        "symbol conflict: the text says S/2018/80 but --symbol says S/2018/81"
    )


def test_no_symbol_anywhere_asks_for_one() -> None:
    with pytest.raises(ParseError, match="pass it with --symbol"):
        parse_report(_numbered(1, 2))


def test_a_bad_flag_symbol_is_a_user_error() -> None:
    with pytest.raises(UserError, match="not a document symbol"):
        parse_report(_numbered(1), flags=MetaFlags(symbol="report 80"))


def test_footnote_defined_twice() -> None:
    with pytest.raises(ParseError, match="footnote 1 is defined twice"):
        parse_report("1. One.¹\n\n¹ First.\n\n¹ Again.\n", flags=FLAGS)


def test_paragraph_zero_is_refused_even_when_irregular_is_allowed() -> None:
    with pytest.raises(ParseError, match="paragraph 0: paragraph numbers start at 1 at line 2"):
        parse_report(_numbered(0, 1), flags=FLAGS, allow_irregular=True)


def test_a_paragraph_with_no_text_is_refused() -> None:
    with pytest.raises(ParseError, match="paragraph 2 has no text at line 2"):
        parse_report("1. One.\n2. ²\n\n² A footnote.\n", flags=FLAGS)


def test_the_line_named_is_the_label_line_when_pdftotext_set_it_apart() -> None:
    text = "I.\nIntroduction\n1.\nOne.\n\n3.\nThree.\n"
    with pytest.raises(ParseError, match="paragraph 3 follows 1 at line 6"):
        parse_report(text, flags=FLAGS)
