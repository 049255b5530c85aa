"""Metadata precedence: the text, then the manifest entry, then flags; disagreement is an error."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.errors import MetadataConflict, ParseError
from corpus.manifest import ManifestEntry
from corpus.metadata import read_title_block
from corpus.model import ReportMeta
from corpus.parse import MetaFlags, parse_report

BODY = "I. Introduction\n\n1. One.\n\n2. Two.\n"
HEADER = "S/2099/7\n\nSecurity Council\n\nDistr.: General\n3 March 2099\n\n"
TITLE = "Report of the Secretary-General on a subject of some interest\n\n"
ENTRY = ManifestEntry(
    ReportMeta("S/2099/7", title="Report on a subject", date=dt.date(2099, 3, 3), ordinal=7),
    file="report-7.txt",
)


def test_text_only() -> None:
    meta = parse_report(HEADER + TITLE + BODY).meta
    assert meta == ReportMeta(
        "S/2099/7",
        title="Report of the Secretary-General on a subject of some interest",
        date=dt.date(2099, 3, 3),
    )


def test_manifest_fills_what_the_text_lacks_matched_by_file_name() -> None:
    meta = parse_report(BODY, source="/uploads/report-7.txt", manifest=[ENTRY]).meta
    assert meta == ENTRY.meta


def test_manifest_matched_by_symbol_fills_the_gaps() -> None:
    meta = parse_report("S/2099/7\n\n" + BODY, source="x.txt", manifest=[ENTRY]).meta
    assert (meta.title, meta.ordinal) == ("Report on a subject", 7)


def test_flags_come_last() -> None:
    flags = MetaFlags(symbol="s-2099-9", date="2099-01-02", title="A title from flags")
    meta = parse_report(BODY, flags=flags).meta
    assert meta == ReportMeta("S/2099/9", title="A title from flags", date=dt.date(2099, 1, 2))


def test_agreeing_sources_are_fine() -> None:
    flags = MetaFlags(symbol="S/2099/7", date=dt.date(2099, 3, 3))
    meta = parse_report(HEADER + BODY, source="report-7.txt", manifest=[ENTRY], flags=flags).meta
    assert meta.symbol == "S/2099/7"


@pytest.mark.parametrize(
    ("text", "source", "flags", "message"),
    [
        (
            HEADER + BODY,
            "x.txt",
            MetaFlags(date="2099-03-04"),
            "date conflict: the text says 2099-03-03 but --date says 2099-03-04",
        ),
        (
            "S/2099/8\n\n" + BODY,
            "report-7.txt",
            None,
            "symbol conflict: the text says S/2099/8 but the manifest entry for report-7.txt "
            "says S/2099/7",
        ),
        (
            BODY,
            "report-7.txt",
            MetaFlags(symbol="S/2099/8"),
            "symbol conflict: the manifest entry for report-7.txt says S/2099/7 but --symbol "
            "says S/2099/8",
        ),
        (
            BODY,
            "report-7.txt",
            MetaFlags(title="Something else entirely"),
            "title conflict: the manifest entry for report-7.txt says 'Report on a subject' but "
            "--title says 'Something else entirely'",
        ),
    ],
)
def test_conflicts_name_both_values(
    text: str, source: str, flags: MetaFlags | None, message: str
) -> None:
    with pytest.raises(MetadataConflict) as caught:
        parse_report(text, source=source, manifest=[ENTRY], flags=flags)
    assert str(caught.value) == message


def test_titles_differing_only_in_quotes_and_case_agree() -> None:
    flags = MetaFlags(title="report of the SECRETARY-GENERAL on a subject of ‘some’ interest")
    meta = parse_report(HEADER + TITLE + BODY, flags=flags).meta
    assert meta.title == "Report of the Secretary-General on a subject of some interest"


def test_bad_flag_date() -> None:
    with pytest.raises(ParseError, match="bad --date '31/01/2018'"):
        parse_report(BODY, flags=MetaFlags(symbol="S/2099/1", date="31/01/2018"))


def test_manifest_given_as_plain_metas() -> None:
    meta = parse_report("S/2099/7\n\n" + BODY, manifest=[ENTRY.meta]).meta
    assert meta == ENTRY.meta


def test_a_masthead_line_naming_more_than_the_symbol_still_gives_it() -> None:
    found = read_title_block(
        [
            "United Nations S/2018/80 Security Council",
            "Distr.: General 31 January 2018 Original: English",
            "Sixth report of the Secretary-General on the threat posed by ISIL (Da'esh)",
        ]
    )
    assert found.symbol == "S/2018/80"
    assert found.date is not None
    assert found.date.isoformat() == "2018-01-31"
    assert found.ordinal == 6
