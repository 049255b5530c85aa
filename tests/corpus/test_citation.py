"""Citations: what people type is understood; the canonical label round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.citation import (
    SYMBOL_PATTERN,
    format_citation,
    looks_like_symbol,
    normalize_symbol,
    parse_citation,
    parse_paragraph_range,
    symbol_year,
)
from corpus.errors import UserError


@pytest.mark.parametrize(
    "typed",
    ["S/2018/80", "s/2018/80", " S/2018/80 ", "S-2018-80", "s_2018_80", "S / 2018 / 080"],
)
def test_normalize_symbol(typed: str) -> None:
    assert normalize_symbol(typed) == "S/2018/80"
    assert looks_like_symbol(typed)


def test_normalize_symbol_keeps_addenda() -> None:
    assert normalize_symbol("s/2017/97/add.1") == "S/2017/97/Add.1"


@pytest.mark.parametrize(
    ("typed", "symbol"),
    [
        ("A/73/361", "A/73/361"),
        ("a/hrc/40/52", "A/HRC/40/52"),
        ("E/CN.4/2005/L.10", "E/CN.4/2005/L.10"),
        ("S/RES/2253 (2015)", "S/RES/2253 (2015)"),
        ("s/res/2253(2015)", "S/RES/2253 (2015)"),
        ("A-72-100", "A/72/100"),
    ],
)
def test_symbols_of_any_un_body(typed: str, symbol: str) -> None:
    assert normalize_symbol(typed) == symbol
    assert normalize_symbol(symbol) == symbol


def test_symbols_in_running_text() -> None:
    text = "See S/2016/92, S/2017/97/Add.1 and A/73/361; S/RES/2253 (2015), I-24/7 and 24/7."
    found = [m.group(0) for m in SYMBOL_PATTERN.finditer(text)]
    assert found == ["S/2016/92", "S/2017/97/Add.1", "A/73/361", "S/RES/2253 (2015)"]


@pytest.mark.parametrize(
    ("symbol", "year"),
    [
        ("S/2019/103", 2019),
        ("S/RES/2253 (2015)", 2015),
        ("A/73/361", None),
        ("S/2017/97/Add.1", 2017),
    ],
)
def test_symbol_year(symbol: str, year: int | None) -> None:
    assert symbol_year(symbol) == year


@pytest.mark.parametrize(
    "typed", ["", "2018/80", "S/18/80", "S/2018", "ISIL", "and/or", "I-24/7", "UN/DESA"]
)
def test_normalize_symbol_refuses_non_symbols(typed: str) -> None:
    assert not looks_like_symbol(typed)
    with pytest.raises(UserError, match="not a document symbol"):
        normalize_symbol(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13", (13, 13)),
        (" 7 ", (7, 7)),
        ("12-14", (12, 14)),
        ("12–14", (12, 14)),
        ("3 - 3", (3, 3)),
    ],
)
def test_parse_paragraph_range(typed: str, expected: tuple[int, int]) -> None:
    assert parse_paragraph_range(typed) == expected


@pytest.mark.parametrize(
    ("typed", "needle"),
    [("0", "start at 1"), ("14-12", "runs backwards"), ("abc", "not a paragraph"), ("", "not a")],
)
def test_parse_paragraph_range_refuses(typed: str, needle: str) -> None:
    with pytest.raises(UserError, match=needle):
        parse_paragraph_range(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("S/2018/80 para 13", ("S/2018/80", 13, 13)),
        ("S/2018/80, para. 13", ("S/2018/80", 13, 13)),
        ("S/2018/80 paras. 12-14", ("S/2018/80", 12, 14)),
        ("S/2018/80 ¶13", ("S/2018/80", 13, 13)),
        ("S/2018/80 ¶ 13", ("S/2018/80", 13, 13)),
        ("S/2018/80#13", ("S/2018/80", 13, 13)),
        ("S/2018/80 13", ("S/2018/80", 13, 13)),
        ("s-2018-80 paragraph 13", ("S/2018/80", 13, 13)),
    ],
)
def test_parse_citation(typed: str, expected: tuple[str, int, int]) -> None:
    assert parse_citation(typed) == expected


@pytest.mark.parametrize(
    "typed", ["S/2018/80", "oil revenue", "what does S/2018/80 say about oil", "S/2018/80 para 0"]
)
def test_parse_citation_is_none_for_other_text(typed: str) -> None:
    assert parse_citation(typed) is None


def test_format_citation() -> None:
    assert format_citation("S/2018/80", 13) == "S/2018/80, para. 13"


@settings(max_examples=40, deadline=None)
@given(
    year=st.integers(1946, 2099),
    number=st.integers(1, 99999),
    paragraph=st.integers(1, 9999),
    spelling=st.sampled_from(["{s}", "{s_lower}", "{s_dashed}"]),
)
def test_format_then_parse_round_trips(
    year: int, number: int, paragraph: int, spelling: str
) -> None:
    symbol = f"S/{year}/{number}"
    label = format_citation(symbol, paragraph)
    assert parse_citation(label) == (symbol, paragraph, paragraph)
    typed = spelling.format(s=symbol, s_lower=symbol.lower(), s_dashed=symbol.replace("/", "-"))
    assert normalize_symbol(typed) == symbol
