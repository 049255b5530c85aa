"""Autocomplete choices: Discord takes at most 25, with names and values of 1-100 characters.

Neither discord.py nor SimCord checks this; Discord refuses the whole response, so the user
would see no suggestions at all.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cogs._choices import paragraph_choices, report_choices
from corpus.model import Paragraph, ReportMeta
from retrieval.answer import ReportSummary

_paragraphs = st.lists(
    st.builds(
        Paragraph,
        report=st.just("S/2018/80"),
        number=st.integers(1, 999),
        text=st.text(max_size=400),
    ),
    max_size=120,
)
_reports = st.lists(
    st.builds(
        ReportSummary,
        meta=st.builds(
            ReportMeta,
            symbol=st.from_regex(r"S/20[0-9]{2}/[0-9]{1,4}", fullmatch=True),
            title=st.text(max_size=300),
            date=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
        ),
        paragraph_count=st.integers(0, 200),
        footnote_count=st.integers(0, 200),
    ),
    max_size=60,
)


def assert_valid(choices: list[tuple[str, str]]) -> None:
    assert len(choices) <= 25
    for name, value in choices:
        assert 1 <= len(name) <= 100
        assert 1 <= len(value) <= 100


@settings(max_examples=150, deadline=None)
@given(paragraphs=_paragraphs, typed=st.text(max_size=100))
def test_paragraph_choices_fit_discord(paragraphs: list[Paragraph], typed: str) -> None:
    assert_valid(paragraph_choices(paragraphs, typed))


@settings(max_examples=150, deadline=None)
@given(reports=_reports, typed=st.text(max_size=100))
def test_report_choices_fit_discord(reports: list[ReportSummary], typed: str) -> None:
    assert_valid(report_choices(reports, typed))


def test_paragraph_choices_match_numbers_then_words() -> None:
    paragraphs = [
        Paragraph("S/2018/80", n, f"Paragraph about {w}.")
        for n, w in [(1, "oil"), (13, "gas"), (130, "oil")]
    ]
    assert [v for _, v in paragraph_choices(paragraphs, "13")] == ["13", "130"]
    assert [v for _, v in paragraph_choices(paragraphs, "12-14")] == []
    assert [v for _, v in paragraph_choices(paragraphs, "OIL")] == ["1", "130"]
    assert paragraph_choices(paragraphs, "13")[0][0] == "13 — Paragraph about gas."


def test_report_choices_put_symbol_prefixes_first() -> None:
    metas = [ReportMeta("S/2016/501", "About 2018 plans"), ReportMeta("S/2018/80", "Sixth")]
    reports = [ReportSummary(m, 1, 0) for m in metas]
    assert [v for _, v in report_choices(reports, "s/2018")] == ["S/2018/80"]
    assert [v for _, v in report_choices(reports, "2018")] == ["S/2016/501", "S/2018/80"]
    assert [v for _, v in report_choices(reports, "sixth")] == ["S/2018/80"]
