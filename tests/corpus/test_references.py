"""References a report's text makes: report paragraphs, whole reports, resolutions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.references import Reference, find_references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See S/2017/573, para. 20.", [("paragraph", "S/2017/573", (20,))]),
        ("(S/2017/35, paras. 43 and 44), remains", [("paragraph", "S/2017/35", (43, 44))]),
        ("S/2017/573, paras. 12-14 and 20", [("paragraph", "S/2017/573", (12, 13, 14, 20))]),
        ("S/2017/573, paras. 3, 5 and 7.", [("paragraph", "S/2017/573", (3, 5, 7))]),
        ("[S/2017/35](#), para. 17", [("paragraph", "S/2017/35", (17,))]),
        ("(see S/2016/213). Some", [("report", "S/2016/213", ())]),
        (
            "See S/2016/92, S/2016/501 and S/2017/97.",
            [
                ("report", "S/2016/92", ()),
                ("report", "S/2016/501", ()),
                ("report", "S/2017/97", ()),
            ],
        ),
        ("in its resolution 2253 (2015), the", [("resolution", "S/RES/2253 (2015)", ())]),
        (
            "resolutions 2178 (2014) and 2396 (2017) and",
            [("resolution", "S/RES/2178 (2014)", ()), ("resolution", "S/RES/2396 (2017)", ())],
        ),
        ("S/2015/939, annex II), in", [("report", "S/2015/939", ())]),
        ("paragraph 97 of that resolution", []),
        ("S/2017/573/Add.1 is not a report paragraph", []),
        ("paras. 1-9999 of S/2017/1", [("report", "S/2017/1", ())]),
    ],
)
def test_references_are_recognised(text: str, expected: list[tuple[str, str, tuple]]) -> None:
    found = find_references(text)
    assert [(r.kind, r.symbol, r.paragraphs) for r in found] == expected


def test_offsets_point_at_the_words_that_make_the_reference() -> None:
    text = "Member States (S/2017/35, paras. 43 and 44) and resolution 2396 (2017)."
    first, second = find_references(text)
    assert text[first.start : first.end] == "S/2017/35, paras. 43 and 44"
    assert text[second.start : second.end] == "resolution 2396 (2017)"


def test_a_silly_range_is_one_paragraph_not_thousands() -> None:
    (ref,) = find_references("S/2017/1, paras. 5-5000")
    assert ref.paragraphs == (5,)


def test_labels() -> None:
    assert Reference("paragraph", "S/2017/35", (43, 44)).label == "S/2017/35, paras. 43, 44"
    assert Reference("paragraph", "S/2017/35", (4,)).label == "S/2017/35, para. 4"
    assert Reference("report", "S/2017/35").label == "S/2017/35"


@given(
    st.text(max_size=200),
    st.integers(2000, 2030),
    st.integers(1, 9999),
    st.lists(st.integers(1, 999), min_size=1, max_size=4),
    st.text(max_size=50),
)
def test_a_reference_anywhere_in_any_text_is_found_with_its_numbers(
    before: str, year: int, number: int, paragraphs: list[int], after: str
) -> None:
    numbers = ", ".join(str(n) for n in paragraphs[:-1])
    written = f"{numbers} and {paragraphs[-1]}" if numbers else str(paragraphs[-1])
    cite = f"S/{year}/{number}, para{'s' if len(paragraphs) > 1 else ''}. {written}"
    text = f"{before} ({cite}). {after}"
    found = [r for r in find_references(text) if r.start == len(before) + 2]
    assert found, text
    assert found[0].symbol == f"S/{year}/{number}"
    assert found[0].paragraphs == tuple(dict.fromkeys(paragraphs))
    for ref in find_references(text):
        assert 0 <= ref.start < ref.end <= len(text)
