"""Line cleaning, line shapes, and rejoining wrapped lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.lines import Kind, classify_line, roman_value
from corpus.normalize import clean_line, join_wrapped, vocabulary


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        (r"resolution [2253 \(2015\)](#), the", "resolution 2253 (2015), the"),
        ("[S/2017/35](https://undocs.org/S/2017/35), para. 22.", "S/2017/35, para. 22."),
        (r"US\$ 5 million", "US$ 5 million"),
        ("  indented\tand\u00a0spaced  ", "indented and spaced"),
        ("## II. Threat assessment", "II. Threat assessment"),
        ("**A. Overview**", "A. Overview"),
        ("\fS/2018/80", "S/2018/80"),
        ("soft\u00adhyphen and zero\u200bwidth", "softhyphen and zerowidth"),
        ("Report (S/2017/97) [EN/AR]", "Report (S/2017/97) [EN/AR]"),
    ],
)
def test_clean_line(line: str, cleaned: str) -> None:
    assert clean_line(line) == cleaned


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("", Kind.BLANK),
        ("18-01235   3/17", Kind.FURNITURE),
        ("3/17   18-01235", Kind.FURNITURE),
        ("18-01235 (E)", Kind.FURNITURE),
        ("S/2018/80", Kind.SYMBOL),
        ("__________________", Kind.SEPARATOR),
        ("* * *", Kind.SEPARATOR),
        ("1. In adopting", Kind.TEXT),
    ],
)
def test_classify_kind(line: str, kind: Kind) -> None:
    assert classify_line(line).kind is kind


def test_classify_labels() -> None:
    assert classify_line("12. The group").numbered == 12
    shape = classify_line("II. Threat assessment")
    assert (shape.roman, shape.roman_label, shape.rest) == (2, "II", "Threat assessment")
    shape = classify_line("I. Introduction")  # a Roman one or the letter I: context decides
    assert (shape.roman, shape.letter) == (1, "I")
    assert classify_line("¹⁴ Information provided").footnote == 14
    assert classify_line("14 Information provided").plain_footnote == 14
    assert classify_line("2015, the Council").plain_footnote is None
    assert classify_line("See the 12. paragraph").is_start is False


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XL", 40), ("IIII", None), ("IC", None)],
)
def test_roman_value(numeral: str, value: int | None) -> None:
    assert roman_value(numeral) == value


WORDS = vocabulary(["the counter-terrorism office", "an organization", "self-sufficient"])


@pytest.mark.parametrize(
    ("head", "tail", "joined"),
    [
        ("the Counter-", "Terrorism Office", "the Counter-Terrorism Office"),  # compound seen
        ("an organiza-", "tion of", "an organization of"),  # only the joined word seen
        ("an unknown-", "word", "an unknown-word"),  # neither: keep the hyphen
        ("ends", "starts", "ends starts"),
        ("2015 -", "and", "2015 - and"),
        ("", "alone", "alone"),
    ],
)
def test_join_wrapped(head: str, tail: str, joined: str) -> None:
    assert join_wrapped(head, tail, WORDS) == joined


@settings(max_examples=40, deadline=None)
@given(
    words=st.lists(st.from_regex(r"[A-Za-z]{1,12}[.,;]?", fullmatch=True), min_size=2),
    breaks=st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_rewrapping_plain_words_is_lossless(words: list[str], breaks: list[bool]) -> None:
    """Lines broken at any of the spaces join back to the same text."""
    text = " ".join(words)
    lines = [words[0]]
    for word, new_line in zip(words[1:], breaks, strict=False):
        if new_line:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}"
    lines += words[len(breaks) + 1 :]
    joined = ""
    for line in lines:
        joined = join_wrapped(joined, line, vocabulary(lines))
    assert joined == text
