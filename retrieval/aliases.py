"""Names that mean the same thing: learned from reports at ingest, plus a curated shipped file.

Reports spell a name out once and abbreviate it after ("United Nations Office on Drugs and
Crime (UNODC)"); people type either. Learning pairs from the text follows Schwartz and Hearst
(2003): the acronym's letters, matched right to left, must all be found in the words before the
parenthesis, the first letter at the start of a word.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from retrieval.tokenize import STOPWORDS, tokenize

# "long form (ACRONYM)" and "long form (ACRONYM, also known as Other)"
_PAREN = re.compile(r"\(([A-Z][A-Za-z0-9&/-]{1,11})(?:\)|,\s*also known as ([^)]{2,40})\))")
# "ACRONYM (Name)": ISIL (Da’esh). Found from the parenthesis, which the pattern finds fast (a
# literal), then the acronym is read backwards: what \b([A-Z]{2,10})\s\( would match.
_AKA_NAME = re.compile(r"\(([A-Z][\w’'-]{2,30})\)")
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LONG_FORM_STOPS = ".;:()[]"


@dataclass(frozen=True)
class AliasGroup:
    """Names of one thing; `source` says who defines them ("learned from S/2018/80")."""

    names: tuple[str, ...]
    source: str


def learn_aliases(text: str, source: str) -> list[AliasGroup]:
    """Acronyms defined in `text` with their long forms, and names given as "also known as"."""
    groups: list[AliasGroup] = []
    for match in _PAREN.finditer(text):
        acronym, aka = match.group(1), match.group(2)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        long_form = _long_form(acronym, text, match.start())
        names = [n for n in (acronym, long_form, aka and aka.strip()) if n]
        if len(names) > 1:
            groups.append(AliasGroup(tuple(names), source))
    for match in _AKA_NAME.finditer(text):
        acronym = _acronym_before(text, match.start() - 1)
        if acronym:
            groups.append(AliasGroup((acronym, match.group(1)), source))
    return groups


def _acronym_before(text: str, space: int) -> str | None:
    """The 2-10 capitals, a whole word, that end just before text[space], a whitespace."""
    if space < 2 or not text[space].isspace():
        return None
    start = space
    while start > 0 and text[start - 1] in _CAPITALS and space - start <= 10:
        start -= 1
    if not 2 <= space - start <= 10 or (start > 0 and _is_word_char(text[start - 1])):
        return None
    return text[start:space]


def _is_word_char(char: str) -> bool:
    """What the pattern syntax calls \\w."""
    return char.isalnum() or char == "_"


def _long_form(acronym: str, text: str, end: int) -> str | None:
    """The words before text[end], a parenthesis, that the acronym abbreviates, or None
    (Schwartz-Hearst). They start after the last stop (.;:()[]) before it."""
    tail = text[max(text.rfind(stop, 0, end) for stop in _LONG_FORM_STOPS) + 1 : end]
    letters = [c.lower() for c in acronym if c.isalnum()]
    words = tail.split()[-min(len(letters) + 5, 2 * len(letters)) :]
    candidate = " ".join(words)
    low = candidate.lower()
    li = len(low) - 1
    for si in range(len(letters) - 1, -1, -1):
        c = letters[si]
        while li >= 0 and (low[li] != c or (si == 0 and li > 0 and low[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
    start = low.rfind(" ", 0, li + 1) + 1
    long_form = candidate[start:].strip()
    if len(long_form.split()) < 2 or long_form.lower() == acronym.lower():
        return None
    return long_form


@dataclass(frozen=True)
class Match:
    """A name found in a question, and the other names of the same thing."""

    name: str  # the name as the group spells it ("IS", "Islamic State")
    typed: tuple[str, ...]  # the terms of that name (none for "IS", a stopword)
    others: tuple[tuple[str, ...], ...]  # terms of each other name of the group


class AliasTable:
    """Alias groups merged where they share a name, looked up by the terms of a question."""

    def __init__(self, groups: Iterable[AliasGroup]) -> None:
        self.groups = tuple(_merge(groups))
        self._names = [
            [(name, tuple(dict.fromkeys(tokenize(name)))) for name in g.names] for g in self.groups
        ]
        # Which groups a question can match: those with a name typed in capitals (found in the
        # text) and, by each term of their other names, those whose name's terms it holds.
        self._by_case: list[int] = []
        self._by_term: dict[str, list[int]] = {}
        for i, names in enumerate(self._names):
            if any(_is_case_sensitive(n, t) for n, t in names):
                self._by_case.append(i)
            for term in {term for n, t in names if not _is_case_sensitive(n, t) for term in t}:
                self._by_term.setdefault(term, []).append(i)

    def find(self, question: str, terms: Sequence[str]) -> list[Match]:
        """Every group with a name in the question; a name in capitals that tokenises to
        nothing or to under three letters ("IS", "US") must be typed in capitals."""
        present = set(terms)
        found: list[Match] = []
        candidates = set(self._by_case)
        for term in present:
            candidates.update(self._by_term.get(term, ()))
        for i in sorted(candidates):
            match = _match(self._names[i], question, present)
            if match is not None:
                found.append(match)
        return found


def _match(
    names: Sequence[tuple[str, tuple[str, ...]]], question: str, present: set[str]
) -> Match | None:
    """The group's longest name typed in the question, and its other names; None if none is."""
    typed = [(n, t) for n, t in names if _is_in(n, t, question, present)]
    if not typed:
        return None
    name, best = max(typed, key=lambda nt: len(nt[1]))
    others = tuple(dict.fromkeys(t for _n, t in names if t and t != best))
    return Match(name, best, others)


def _is_in(name: str, terms: tuple[str, ...], question: str, present: set[str]) -> bool:
    if _is_case_sensitive(name, terms):
        # the substring test first: most names are not in most questions, and it needs no regex
        return (
            name in question and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question) is not None
        )
    return bool(terms) and set(terms) <= present


def _is_case_sensitive(name: str, terms: tuple[str, ...]) -> bool:
    return name.isupper() and (not terms or len(name) < 3 or name.lower() in STOPWORDS)


def _merge(groups: Iterable[AliasGroup]) -> list[AliasGroup]:
    """Union groups that share a name (compared by terms), keeping the first source."""
    merged: list[tuple[list[str], set[tuple[str, ...]], list[str]]] = []
    for group in groups:
        keys = {_key(n) for n in group.names}
        hits = [m for m in merged if m[1] & keys]
        names, seen, sources = [], set(), []
        for m in hits:
            merged.remove(m)
            names += m[0]
            seen |= m[1]
            sources += m[2]
        for name in group.names:
            if name not in names:
                names.append(name)
        merged.append((names, seen | keys, [*sources, group.source]))
    return [AliasGroup(tuple(n), "; ".join(dict.fromkeys(s))) for n, _k, s in merged]


def _key(name: str) -> tuple[str, ...]:
    terms = tuple(tokenize(name))
    if not terms or (name.isupper() and len(name) < 3):
        return (name,)
    return terms


@cache
def curated_aliases() -> tuple[AliasGroup, ...]:
    """The curated alias file shipped in retrieval/data/aliases.toml, each entry with its source."""
    text = resources.files("retrieval").joinpath("data/aliases.toml").read_text(encoding="utf-8")
    return tuple(
        AliasGroup(tuple(entry["names"]), entry["source"]) for entry in tomllib.loads(text)["alias"]
    )
