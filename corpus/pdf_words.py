"""Rejoin words that a PDF's line breaks hyphenated, using the report's own words as the guide.

PDFium reports every hyphen that ends a line the same way, whether it belongs to a compound
("counter-" / "terrorism") or was set by hyphenation ("organiza-" / "tion"), so the words
decide. The report's spelling first: a compound or a joined word found elsewhere in it. When
the report has neither, keep the hyphen (UN texts hyphenate compounds far more often than they
split words), unless the document is hyphenated: some break splits a word the report spells
whole elsewhere. Then a tail that is no word of the report ("evate", "gium") is a syllable,
and the hyphen goes; a tail that is ("pre-" / "existing") keeps it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.normalize import vocabulary

_WORD = re.compile(r"[^\W\d_]+")
_BROKEN_END = re.compile(r"((?:[^\W\d_]+-)*?)([^\W\d_]+)-$")
_FIRST_WORD = re.compile(r"^[^\W\d_]+")
_DASHES = ("—", "–")


@dataclass(frozen=True)
class Words:
    whole: frozenset[str]  # words with compounds whole ("counter-terrorism"), lower case
    parts: frozenset[str]  # single words and compound parts, but no fragment after a break
    hyphenated: bool  # the typesetter split words at line ends, not only compounds


def report_words(lines: Sequence[str]) -> Words:
    """The words of the report's lines, and whether its line breaks split words. A word that
    only ever starts a line may be a syllable ("tion"), so `parts` counts words inside lines."""
    parts = {word.lower() for line in lines for word in _WORD.findall(line)[1:]}
    whole = vocabulary(lines)
    hyphenated = any(
        _verdict(above, line, whole) is False for above, line in itertools.pairwise(lines)
    )
    return Words(whole, frozenset(parts), hyphenated)


def join_lines(head: str, tail: str, words: Words) -> str:
    """Join two lines of one paragraph (or footnote), undoing hyphenation only where a line
    break made it."""
    head, tail = head.rstrip(), tail.lstrip()
    if not head or not tail:
        return head or tail
    if head.endswith("/") or (head.endswith(_DASHES) and not head[:-1].endswith(" ")):
        return head + tail  # "(S/" + "2015/891)": a line may break after a slash or a dash
    keep = _verdict(head, tail, words.whole)
    if keep is None and words.hyphenated:
        start = _FIRST_WORD.match(tail)
        keep = start is not None and start.group(0).lower() in words.parts
    if keep is None or not head.endswith("-"):
        return head + tail if head.endswith("-") else f"{head} {tail}"
    return head + tail if keep else head[:-1] + tail


def _verdict(head: str, tail: str, whole: frozenset[str]) -> bool | None:
    """True: the hyphen is the compound's; False: the break split a word; None: unknown."""
    end, start = _BROKEN_END.search(head[-80:]), _FIRST_WORD.match(tail)
    if end is None or start is None:
        return None
    before, first, second = end.group(1).lower(), end.group(2).lower(), start.group(0).lower()
    if f"{first}-{second}" in whole or f"{before}{first}-{second}" in whole:
        return True
    if f"{first}{second}" in whole or f"{before}{first}{second}" in whole:
        return False
    return None
