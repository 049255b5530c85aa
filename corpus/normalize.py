"""Undo what conversion did to a report's text: markdown residue, hard wrapping, hyphenation."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|<>~\"'&%])")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"^(\*\*|__)(.+)\1$")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_HYPHENATED_END = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$")
_LEADING_WORD = re.compile(r"^[^\W\d_]+")
_LONGEST_WORD = 80  # look no further back for the hyphenated word (keeps joining linear)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def clean_line(line: str) -> str:
    """Strip one line of markdown link residue, escapes and invisible characters; trim spaces."""
    text = line.translate(_INVISIBLE).replace("\f", " ")
    text = _SPACES.sub(" ", text).strip()
    text = _MARKDOWN_HEADING.sub("", text)
    if match := _BOLD.match(text):
        text = match.group(2).strip()
    text = _LINK.sub(lambda m: m.group(1), text)
    return _ESCAPE.sub(lambda m: m.group(1), text)


def vocabulary(lines: Iterable[str]) -> frozenset[str]:
    """Lower-cased words (hyphenated compounds whole) the text contains inside its lines."""
    return frozenset(word.lower() for line in lines for word in _WORD.findall(line))


def join_wrapped(head: str, tail: str, words: frozenset[str]) -> str:
    """Join two pieces of one paragraph that a line or page break separated.

    A line ending in a hyphen is either a compound broken at its own hyphen (keep it) or a
    word hyphenated to fit (drop it). The document's own vocabulary decides: if the compound
    occurs elsewhere, keep it; if only the joined word does, drop it; if neither, keep it,
    since UN texts hyphenate compounds far more often than they split words.
    """
    head, tail = head.rstrip(), tail.lstrip()
    if not head or not tail:
        return head or tail
    if not head.endswith("-"):
        return f"{head} {tail}"
    end = _HYPHENATED_END.search(head, max(0, len(head) - _LONGEST_WORD))
    start = _LEADING_WORD.match(tail)
    if end is None or start is None:
        return f"{head} {tail}"
    first, second = end.group(1).lower(), start.group(0).lower()
    if f"{first}-{second}" not in words and f"{first}{second}" in words:
        return head[:-1] + tail
    return head + tail
