"""Everyday words -> the reports' words: the shipped register glossary, looked up per question.

People ask "how is ISIL making money"; the reports say "revenue" and "financing". The glossary in
retrieval/data/register.toml was built from the reports' side (scripts/register_terms.py ranks
the corpus's content terms; each was annotated with the plain English people use for it). Lookup
is pure: a question in, the report terms its everyday words stand for out. How much they weigh is
the search layer's business.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from retrieval.tokenize import normalize_word, tokenize

_Keys = tuple[tuple[str, ...], ...]  # a phrase as the search terms of each of its words

# Words as the question writes them; hyphens and apostrophes stay inside a word, like tokenize.
_WORD = re.compile(r"[^\W\d_](?:[\w'’‘ʼ]|-(?=\w))*")


@dataclass(frozen=True)
class RegisterEntry:
    """One report vocabulary item: how the reports say it, how people say it, and who says so."""

    report: tuple[str, ...]
    everyday: tuple[str, ...]
    source: str
    idioms: tuple[str, ...] = ()  # everyday phrases whose words do not mean themselves


@dataclass(frozen=True)
class Expansion:
    """An everyday phrase found in a question, and the report terms it stands for."""

    phrase: str  # as the glossary spells it ("make money")
    typed: tuple[str, ...]  # the search terms of that phrase (what the user typed)
    report: tuple[tuple[str, ...], ...]  # search terms of each report phrase of the entry
    figurative: tuple[str, ...] = ()  # idiom words not meant literally ("day" in "these days")


def word_keys(text: str) -> _Keys:
    """Each word of `text` as its search terms; a stopword as itself, so phrases match in order."""
    keys = []
    for match in _WORD.finditer(text):
        terms = tuple(tokenize(match.group()))
        keys.append(terms or ("~" + normalize_word(match.group()),))
    return tuple(keys)


class Register:
    """The glossary, indexed by the word sequence of each everyday phrase."""

    def __init__(self, entries: Iterable[RegisterEntry]) -> None:
        self.entries = tuple(entries)
        # phrases by their first word, so a lookup costs a dict probe per question word
        self._phrases: dict[tuple[str, ...], list[tuple[_Keys, str, int]]] = {}
        self._figurative: dict[str, tuple[str, ...]] = {}
        for i, entry in enumerate(self.entries):
            literal = {t for phrase in entry.everyday for t in tokenize(phrase)}
            for phrase in (*entry.everyday, *entry.idioms):
                keys = word_keys(phrase)
                if keys:
                    self._phrases.setdefault(keys[0], []).append((keys, phrase, i))
            for idiom in entry.idioms:
                self._figurative[idiom] = tuple(t for t in tokenize(idiom) if t not in literal)
        self._report = [
            tuple(t for t in (tuple(dict.fromkeys(tokenize(r))) for r in e.report) if t)
            for e in self.entries
        ]

    def find(self, question: str) -> list[Expansion]:
        """Every entry with everyday phrases in the question, word for word (stems compared):
        one expansion per entry, typed as all its phrases found, named by the longest."""
        words = word_keys(question)
        matched: dict[int, dict[str, _Keys]] = {}
        for start, word in enumerate(words):
            for keys, phrase, i in self._phrases.get(word, ()):
                if words[start : start + len(keys)] == keys:
                    matched.setdefault(i, {})[phrase] = keys
        found = []
        for i, phrases in sorted(matched.items()):
            words_keys = [k for key in phrases.values() for k in key]
            typed = tuple(
                dict.fromkeys(t for key in words_keys for t in key if not t.startswith("~"))
            )
            if typed:
                longest = max(phrases, key=lambda p: len(phrases[p]))
                figurative = [t for p in phrases for t in self._figurative.get(p, ())]
                found.append(
                    Expansion(longest, typed, self._report[i], tuple(dict.fromkeys(figurative)))
                )
        return found


def parse_register(text: str) -> list[RegisterEntry]:
    """register.toml text -> entries; a missing field is a KeyError naming it."""
    return [
        RegisterEntry(
            tuple(e["report"]), tuple(e["everyday"]), e["source"], tuple(e.get("idioms", ()))
        )
        for e in tomllib.loads(text)["term"]
    ]


@cache
def shipped_register() -> Register:
    """The glossary shipped as retrieval/data/register.toml (package data)."""
    text = resources.files("retrieval").joinpath("data/register.toml").read_text(encoding="utf-8")
    return Register(parse_register(text))


REGISTER_WEIGHT = 0.5  # one report term counts at most half as much as the word it stands for
REGISTER_CAP = 1.0  # an entry's report terms together count at most as much as the word typed


def weigh_expansion(
    expansion: Expansion,
    typed_idf: float,
    idf: Callable[[str], float],
    is_known: Callable[[str], bool],
) -> dict[str, float]:
    """BM25 query weights for an expansion's report terms, so that none can swamp the question.

    A report term t at weight w adds w * idf(t) * (its tf part) to a paragraph's score; with
    w = share * min(1, typed_idf / idf(t)) one term adds at most `share` of what the typed word
    would, and the entry's terms together at most REGISTER_CAP of it (share = REGISTER_CAP / n,
    never above REGISTER_WEIGHT). Terms the index lacks are skipped: they only dilute the share.
    """
    terms = [
        t for name in expansion.report for t in name if t not in expansion.typed and is_known(t)
    ]
    terms = list(dict.fromkeys(terms))
    if not terms:
        return {}
    share = min(REGISTER_WEIGHT, REGISTER_CAP / len(terms))
    return {t: share * min(1.0, typed_idf / idf(t)) for t in terms}
