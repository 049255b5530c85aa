"""Acronyms the reports never write, read off the names they do write (pure).

The reports name "the Islamic State in the Greater Sahara" and "the Bay of Bengal Initiative for
Multi-Sectoral Technical and Economic Cooperation" in full; people ask about ISGS and BIMSTEC.
Every capitalised multi-word name in a report is kept with its segment, and an acronym that a
question types but no paragraph contains is searched as the names whose initials it spells.
An acronym the library holds as a word, or as a curated or learned alias, is never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CONNECTORS = frozenset({"of", "in", "the", "and", "for", "on", "to", "de", "al", "against"})
_NAME_WORD = r"[A-Z][\w'’]*(?:-[\w'’]+)*"
# Words of a name may be separated by commas too ("United Nations Educational, Scientific and
# Cultural Organization").
_NAME = re.compile(
    rf"{_NAME_WORD}(?:,?\s+(?:(?:{'|'.join(sorted(_CONNECTORS))})\s+)*{_NAME_WORD})+"
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,9}")
MAX_NAMES_PER_ACRONYM = 3  # an acronym spelling more names than this is too vague to expand
MAX_SKIPPED = 2  # words of a name an acronym may pass over


def report_names(text: str) -> list[str]:
    """The capitalised multi-word names in `text`, each once, in order of appearance."""
    return list(dict.fromkeys(m.group() for m in _NAME.finditer(text)))


def spells(acronym: str, name: str) -> bool:
    """Whether the acronym's letters are initials of a run of the name's words, in order.

    The first and last letters are the run's first and last words'; words between may be
    skipped, at most MAX_SKIPPED of them (BIMSTEC: Bay of Bengal Initiative for Multi-Sectoral
    Technical and Economic Cooperation); hyphenated parts count as words and small connecting
    words are ignored. A run may start inside a longer name ("States of the Bay of Bengal …").
    """
    words = name.replace(",", " ").split()
    parts = [p for w in words if w not in _CONNECTORS for p in w.split("-") if p]
    initials = "".join(p[0].upper() for p in parts)
    letters = acronym.upper()
    if len(letters) < 3:
        return False
    for first in range(len(initials)):
        for last in range(first + len(letters) - 1, len(initials)):
            if last - first + 1 - len(letters) > MAX_SKIPPED:
                break
            if _subsequence(letters, initials[first : last + 1]):
                return True
    return False


def _subsequence(letters: str, initials: str) -> bool:
    """letters[0] and letters[-1] sit at the ends of `initials`; the rest in order between."""
    if initials[0] != letters[0] or initials[-1] != letters[-1]:
        return False
    at = 1
    for letter in letters[1:-1]:
        at = initials.find(letter, at, len(initials) - 1)
        if at < 0:
            return False
        at += 1
    return True


def names_spelled(acronym: str, names: Iterable[str]) -> list[str]:
    """The names an acronym spells; none when it spells too many to mean any one of them."""
    found = [name for name in names if spells(acronym, name)]
    return found if len(found) <= MAX_NAMES_PER_ACRONYM else []


def typed_acronyms(question: str) -> list[tuple[str, str]]:
    """(as typed, lookup key) for each word of the question written as an acronym ("FIUs")."""
    out = []
    for match in _ACRONYM.finditer(question):
        word = match.group()
        end = match.end()
        if (
            end < len(question)
            and question[end] == "s"
            and not question[end + 1 : end + 2].isalpha()
        ):
            end += 1  # plural "FIUs"
        if (end < len(question) and question[end].isalnum()) or (
            match.start() > 0 and question[match.start() - 1].isalnum()
        ):
            continue
        out.append((question[match.start() : end], word))
    return out
