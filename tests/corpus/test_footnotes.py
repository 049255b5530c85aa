"""Footnote marks: superscripts are always marks; plain digits only in a mark's position."""

from __future__ import annotations

import pytest

from corpus.footnotes import Mark, find_plain_mark, remove_superscript_marks


@pytest.mark.parametrize(
    ("text", "cleaned", "marks"),
    [
        ("ISIL⁴ in Iraq", "ISIL in Iraq", [Mark(4, 4)]),
        ("security,¹ was", "security, was", [Mark(9, 1)]),
        ("worshippers.²⁸", "worshippers.", [Mark(12, 28)]),
        ("a ¹ b", "a b", [Mark(2, 1)]),
        ("couriers,²² and fronts,²³", "couriers, and fronts,", [Mark(9, 22), Mark(21, 23)]),
    ],
)
def test_remove_superscript_marks(text: str, cleaned: str, marks: list[Mark]) -> None:
    assert remove_superscript_marks(text) == (cleaned, marks)


@pytest.mark.parametrize(
    ("text", "number", "span"),
    [
        ("by Member States.4 The Council", 4, "4"),
        ("by Member States. 4 The Council", 4, " 4"),
        ("setbacks for ISIL4 in Iraq", 4, "4"),
        ("setbacks for ISIL 4 in Iraq", 4, " 4"),
        ("since 2015.17 These losses", 17, "17"),  # could be a decimal: lowest confidence
        ("worshippers.28", 28, "28"),
    ],
)
def test_find_plain_mark(text: str, number: int, span: str) -> None:
    found = find_plain_mark(text, number)
    assert found is not None
    _, begin, end = found
    assert text[begin:end] == span


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("resolution 2253 (2015)", 2015),
        ("S/2017/35, para. 22", 35),
        ("1,000 fighters", 1),
        ("4.5 per cent", 4),
        ("G20 summit", 20),
        ("14 December", 14),  # at the very start: nothing for a mark to follow
        ("the 1267 Committee", 12),
    ],
)
def test_numbers_that_are_not_marks(text: str, number: int) -> None:
    assert find_plain_mark(text, number) is None


def test_the_likeliest_candidate_wins() -> None:
    text = "about 4 States reported.4 Then"
    found = find_plain_mark(text, 4)
    assert found is not None
    assert text[found[1] : found[2]] == "4"
    assert found[1] == text.index(".4") + 1


def test_search_starts_at_the_cursor() -> None:
    text = "first.3 second.3"
    found = find_plain_mark(text, 3, start=8)
    assert found is not None
    assert found[1] == len(text) - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see S/2017/35, para. 60). ISIL 60 in", "ISIL 60 in"),  # an abbreviation's number
        ("No. 4 of the list; ISIL 4 in", "ISIL 4 in"),
        ("by Member States. 4 “The", "States. 4 “The"),  # a mark ends a sentence
    ],
)
def test_numbers_after_abbreviations_yield_to_marks(text: str, expected: str) -> None:
    number = int(expected.split()[1])
    found = find_plain_mark(text, number)
    assert found is not None
    assert found[1] == text.index(expected) + expected.index(f" {number}")
