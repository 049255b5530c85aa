"""A reportbot export (JSON Lines) parses back into the same paragraphs."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import ParseError
from corpus.exported import looks_like_export
from corpus.model import Report
from corpus.parse import MetaFlags, ParsedReport, parse_report


def export_lines(report: Report) -> str:
    """What `reportbot export` writes: one object per paragraph (the format in the README)."""
    return "".join(
        json.dumps(
            {
                "report": p.report,
                "number": p.number,
                "text": p.text,
                "section": list(p.section),
                "footnotes": [{"number": f.number, "text": f.text} for f in p.footnotes],
            },
            ensure_ascii=False,
        )
        + "\n"
        for p in report.paragraphs
    )


@pytest.mark.parametrize("symbol", ["S/2016/501", "S/2018/80"])
def test_export_round_trip(shipped: dict[str, ParsedReport], symbol: str) -> None:
    original = shipped[symbol].report
    exported = export_lines(original)
    assert looks_like_export(exported)
    again = parse_report(exported, source="export.jsonl")
    assert again.paragraphs == original.paragraphs
    assert again.meta.symbol == symbol
    assert export_lines(again) == exported
    # Headings come back from the sections (those with paragraphs under them).
    assert {h.text for h in again.headings} == {t for p in original.paragraphs for t in p.section}


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(
        st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1).filter(str.strip),
        min_size=1,
        max_size=5,
    )
)
def test_any_paragraph_text_survives_the_export(texts: list[str]) -> None:
    lines = "".join(
        json.dumps({"report": "S/2099/1", "number": n, "text": t, "section": [], "footnotes": []})
        + "\n"
        for n, t in enumerate(texts, 1)
    )
    report = parse_report(lines)
    assert [p.text for p in report.paragraphs] == [t.strip() for t in texts]


def test_export_metadata_comes_from_the_manifest_or_flags() -> None:
    line = '{"report": "S/2099/1", "number": 1, "text": "One.", "section": [], "footnotes": []}\n'
    report = parse_report(line, flags=MetaFlags(title="From flags"))
    assert (report.meta.symbol, report.meta.title) == ("S/2099/1", "From flags")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            '{"report": "S/2099/1", "number": 1, "text": "a", "section": [], "footnotes": []}\n'
            "{not json\n",
            "line 2",
        ),
        ('{"report": "S/2099/1", "number": 1, "text": "a"}\n', "missing section, footnotes"),
        (
            '{"report": "S/2099/1", "number": 1, "text": "a", "section": [], "footnotes": []}\n'
            '{"report": "S/2099/2", "number": 2, "text": "b", "section": [], "footnotes": []}\n',
            "mixes reports",
        ),
        (
            '{"report": "S/2099/1", "number": 2, "text": "a", "section": [], "footnotes": []}\n',
            "the first paragraph is numbered 2",
        ),
        (
            '{"report": "S/2099/1", "number": "1", "text": "a", "section": [], "footnotes": []}\n',
            "number an integer",
        ),
    ],
)
def test_bad_exports_are_refused(text: str, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        parse_report(text)
