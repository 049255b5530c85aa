"""Read a mistyped question word as the word the reports use ("finacing" -> "financing").

People type questions in chat, typos included, and a word no paragraph holds adds nothing to
BM25. A typed word is read as another only when all of these hold, so a real word is never
"corrected" into a different one:
- no paragraph is indexed under its term (else it already matches as typed);
- it is a plain word of MIN_LETTERS or more ASCII letters, not an acronym (all capitals: those
  go to the initials), and not an English word (pyspellchecker's word list of ~160k words: "cash"
  is a word the reports lack, not a typo of "case");
- some spelling one edit away (a letter dropped, added, changed, or two swapped: the Damerau
  distance of most typos) has a term that paragraphs are indexed under, and the edit falls
  inside that term: an edit past the stem changes the word's ending, which makes another form
  of a word ("jihadi" -> "jihad", "jihadists" -> "jihadises"), not a fix. Of those, the term held
  by most paragraphs wins: the likelier word for the team and for the reports.

Candidates come from the index, not from the word list: a typo of a word the reports use but a
dictionary lacks ("jihadsit") is read as the reports' word. Pure but for the lazily loaded word
list; the caller passes how to look terms up. Off by default (`SearchOptions.spelling`): our
set's typo questions, each read right, scored a little lower (docs/search-quality.md).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from retrieval.tokenize import unit_terms

MIN_LETTERS = 5  # shorter words have too many real neighbours one edit away
_LETTERS = string.ascii_lowercase


@dataclass(frozen=True)
class Reading:
    """A typed word (at start:end of the question) read as `word`, whose term is `term`."""

    typed: str
    word: str
    term: str
    start: int
    end: int


@cache
def _english() -> frozenset[str]:
    """pyspellchecker's English word list (loaded on the first word that may be a typo)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.keys())


def is_english_word(word: str) -> bool:
    return word.lower() in _english()


def may_be_typo(word: str) -> bool:
    """Whether `word` has the shape of a typo worth reading otherwise (the index aside)."""
    return (
        len(word) >= MIN_LETTERS
        and word.isascii()
        and word.isalpha()
        and not word.isupper()
        and not is_english_word(word)
    )


def one_edit_away(word: str) -> Iterator[tuple[int, str]]:
    """Every lowercase spelling one Damerau edit from `word` (may repeat), each with the last
    of its letters the edit wrote or closed up on."""
    word = word.lower()
    for i in range(len(word) + 1):
        left, right = word[:i], word[i:]
        if right:
            yield i, left + right[1:]  # a letter dropped
            if len(right) > 1 and right[0] != right[1]:
                yield i + 1, left + right[1] + right[0] + right[2:]  # two swapped
            for c in _LETTERS:
                if c != right[0]:
                    yield i, left + c + right[1:]  # a letter changed
        for c in _LETTERS:
            yield i, left + c + right  # a letter added


def read_as(word: str, doc_frequency: Callable[[str], int]) -> tuple[str, str] | None:
    """(spelling, term) to read a typed word as, or None to keep it as typed.

    `doc_frequency(term)` is how many paragraphs are indexed under a term. The caller has
    checked that the word's own term has none."""
    if not may_be_typo(word):
        return None
    edited: dict[str, int] = {}  # spelling -> the earliest place an edit makes it
    for at, spelling in one_edit_away(word):
        edited[spelling] = min(at, edited.get(spelling, at))
    candidates: list[tuple[int, bool, str, str]] = []  # (-paragraphs, not English, spelling, term)
    for spelling, at in edited.items():
        terms = unit_terms(spelling)  # not cached: most spellings are no word
        if len(terms) != 1 or at >= len(terms[0]):
            continue  # a stopword, no word at all, or an edit of the word's ending
        df = doc_frequency(terms[0])
        if df > 0:
            candidates.append((-df, not is_english_word(spelling), spelling, terms[0]))
    if not candidates:
        return None
    # Most paragraphs first; then a dictionary spelling (to show); then the alphabet (stable).
    _, _, spelling, term = min(candidates)
    return spelling, term


def spelled(text: str, readings: Sequence[Reading]) -> str:
    """`text` with each read word replaced by its reading (for the question's vector)."""
    for reading in sorted(readings, key=lambda r: r.start, reverse=True):
        text = text[: reading.start] + reading.word + text[reading.end :]
    return text
