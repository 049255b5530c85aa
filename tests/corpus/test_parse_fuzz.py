"""Whatever the text, the parser returns a citable report or a UserError, never a crash."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import UserError
from corpus.files import bundled_texts
from corpus.model import Report
from corpus.parse import MetaFlags, parse_report

FLAGS = MetaFlags(symbol="S/2099/1")
LINES = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\d{1,3}\. [A-Za-z ,.¹²³⁴]{0,40}", fullmatch=True),
    st.from_regex(r"(I|II|III|A|B|C)\. [A-Z][a-z ]{0,20}", fullmatch=True),
    st.from_regex(r"[¹²³⁴⁵] [A-Za-z .]{0,30}|\d{1,2} [A-Z][a-z .]{0,30}", fullmatch=True),
    st.sampled_from(["", "S/2099/1", "18-01235   3/17", "\f", "______", "Annex", "1.", "II."]),
)


def assert_citable(report: Report) -> None:
    numbers = [p.number for p in report.paragraphs]
    assert numbers, "a report has paragraphs"
    assert len(set(numbers)) == len(numbers), "a citation names exactly one paragraph"
    assert all(p.report == report.symbol for p in report.paragraphs)
    assert all(p.text for p in report.paragraphs), "a paragraph has text to quote"
    defined = {f.number for f in report.footnotes}
    assert all(f.number in defined for p in report.paragraphs for f in p.footnotes)


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(LINES, max_size=30), allow_irregular=st.booleans())
def test_arbitrary_lines(lines: list[str], allow_irregular: bool) -> None:
    try:
        report = parse_report("\n".join(lines), flags=FLAGS, allow_irregular=allow_irregular)
    except UserError:
        return
    assert_citable(report)


@functools.cache
def _shipped_lines() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(data.decode("utf-8").split("\n")) for _, data in bundled_texts())


@settings(max_examples=30, deadline=None)
@given(
    which=st.integers(0, 1),
    edits=st.lists(st.tuples(st.sampled_from("dsx"), st.integers(0, 400)), max_size=6),
)
def test_damaged_shipped_reports(which: int, edits: list[tuple[str, int]]) -> None:
    """Lines deleted, swapped or duplicated: still a clear answer."""
    lines = list(_shipped_lines()[which])
    for edit, at in edits:
        at %= len(lines)
        if edit == "d":
            del lines[at]
        elif edit == "s" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        else:
            lines.insert(at, lines[at])
    try:
        symbol = ["S/2016/501", "S/2018/80"][which]
        report = parse_report("\n".join(lines), flags=MetaFlags(symbol), source="damaged.txt")
    except UserError:
        return
    assert_citable(report)
