"""The tokenizer as it was before the unit cache: the reference the fast one must equal.

A frozen copy of retrieval/tokenize.py at commit 6ce673e (2026-11-30), kept for the property
test (tests/retrieval/test_tokenize_reference.py) and benchmarks/bench_tokenize.py. If a
tokenizer rule changes on purpose, change it here the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import Stemmer

_STEMMER = Stemmer.Stemmer("english")

# Snowball's English stopword list (the one the baseline in the dev README used), plus "also".
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)

_QUOTES = str.maketrans(dict.fromkeys("’‘ʼ′`´ʹ‛", "'"))
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―", "-"))

# Zero-width and soft-hyphen characters that PDF and web copies leave inside words
# ("fi\u200bnancing"): part of the word when matching, dropped when normalising, so it is found.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))

# One alternation, tried left to right at each position: the longest meaningful unit wins.
_WORD = re.compile(
    r"""
    # S/2017/573, A/RES/70/291
    (?P<symbol>\b[A-Za-z]{1,3}(?:/[A-Za-z0-9.]+)*/\d{2,4}/[0-9A-Za-z.]*[0-9A-Za-z]\b)
    | (?P<resolution>\b\d{3,4}\s?\(\d{4}\))  # 2253 (2015)
    | (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)  # 38,000  1.5  2017
    | (?P<word>[^\W\d_](?:[\w'’‘ʼ\u00ad\u200b-\u200d\u2060\ufeff]|[-‐‑](?=\w))*)  # Da’esh
    """,
    re.VERBOSE,
)


_PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]+s$")


class Term(NamedTuple):
    """One search term and the span of the original text it came from."""

    term: str
    start: int
    end: int


def tokenize(text: str) -> list[str]:
    """Search terms of `text`, in order; used for paragraphs and questions alike."""
    return [t.term for t in tokenize_spans(text)]


def tokenize_spans(text: str) -> list[Term]:
    """Search terms with the offsets (into `text`) of the words they came from."""
    return list(_iter_terms(text))


def normalize_word(word: str) -> str:
    """NFKC, quote and dash folding, case folding: the surface form before stemming."""
    word = word.translate(_INVISIBLE)
    return unicodedata.normalize("NFKC", word).translate(_QUOTES).translate(_DASHES).casefold()


def _iter_terms(text: str) -> Iterator[Term]:
    for match in _WORD.finditer(text):
        kind = match.lastgroup
        start, end = match.span()
        raw = match.group()
        if kind == "symbol":
            yield Term(raw.casefold(), start, end)
            for part in re.finditer(r"\d+", raw):
                yield Term(part.group(), start + part.start(), start + part.end())
        elif kind == "resolution":
            number, year = re.findall(r"\d+", raw)
            yield Term(number, start, start + len(number))
            yield Term(year, end - 5, end - 1)
            yield Term(f"{number}({year})", start, end)
        elif kind == "number":
            yield Term(raw.replace(",", ""), start, end)
        else:
            yield from _word_terms(raw, start)


def _word_terms(raw: str, start: int) -> Iterator[Term]:
    for term, lo, hi in _word_pieces(raw):
        yield Term(term, start + lo, start + hi)


@lru_cache(maxsize=1 << 16)
def _word_pieces(raw: str) -> tuple[tuple[str, int, int], ...]:
    """Terms of one word with offsets relative to it; words repeat, so this is cached."""
    word = normalize_word(raw)
    whole = len(raw)
    if _PLURAL_ACRONYM.match(raw):  # "FTFs", "IEDs", "NGOs": Snowball keeps the s of "ftfs"
        return tuple((term, 0, whole) for term in _terms_of_word(word[:-1]))
    if len(word) != whole:  # NFKC changed the length (ligatures): one span for the word
        return tuple((term, 0, whole) for term in _terms_of_word(word))
    parts = [(m.group(), m.start()) for m in re.finditer(r"[^-]+", word)]
    if len(parts) == 1:
        return tuple((term, 0, whole) for term in _terms_of_word(word))
    pieces = [
        (term, offset, offset + len(part))
        for part, offset in parts
        for term in _terms_of_word(part)
    ]
    pieces += [(term, 0, whole) for term in _terms_of_word(word.replace("-", ""))]
    return tuple(pieces)


def _terms_of_word(word: str) -> tuple[str, ...]:
    word = _strip_possessive(word)
    if not word or word in STOPWORDS:
        return ()
    return (_stem(word),)


def _strip_possessive(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "")


def _stem(word: str) -> str:
    word = americanize(word)
    return _STEMMER.stemWord(_IRREGULAR.get(word, word))


# English irregular past forms -> the base form, which Snowball cannot derive ("fallen" stays
# "fallen", so "revenues have fallen" would not match "did revenue fall"). General English, from
# the standard irregular verb tables; forms that are also common nouns or adjectives are left out
# (e.g. "left", "found", "saw", "lay", "felt", "ground", "wound", "bound", "rose", "lead").
_IRREGULAR_TABLE = """
arise arose arisen; be was were been; bear bore borne born; beat beaten; become became;
begin began begun; break broke broken; bring brought; build built; buy bought; catch caught;
choose chose chosen; come came; deal dealt; do did done; draw drew drawn; drive drove driven;
eat ate eaten; fall fell fallen; fight fought; flee fled; fly flew flown; forbid forbade
forbidden; forget forgot forgotten; freeze froze frozen; get got gotten; give gave given; go went
gone; grow grew grown; hide hid hidden; hold held; keep kept; know knew known; lose lost;
make made; mean meant; meet met; pay paid; ride rode ridden; ring rang rung; rise risen; run ran;
say said; seek sought; sell sold; send sent; shake shook shaken; shoot shot; sink sank sunk;
speak spoke spoken; spend spent; steal stole stolen; strike struck stricken; swear swore sworn;
take took taken; teach taught; tear tore torn; tell told; think thought; throw threw thrown;
understand understood; undertake undertook undertaken; withdraw withdrew withdrawn; write wrote
written
"""
_IRREGULAR = {
    form: group.split()[0] for group in _IRREGULAR_TABLE.split(";") for form in group.split()[1:]
}


# British -> American by rule. Each rule is (pattern, replacement); a rule only has to fold the
# two spellings onto the same string, not produce a real word.
_SPELLING_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\w{3})is(ation|ations|e|es|ed|ing|er|ers)$"), r"iz\1"),  # radicalise
    (re.compile(r"(?<=\w{3})ys(e|es|ed|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"(?<=\w{2}[bdilmnuv])our(s|ed|ing|ite|ites|able|er|ers)?$"), r"or\1"),  # labour
    (re.compile(r"(?<=\w{2}[^aeiou])tre(s)?$"), r"ter\1"),  # centre, theatre
    (re.compile(r"(?<=\w{3})ell(ed|ing|er|ers)$"), r"el\1"),  # travelled, labelled
    (re.compile(r"(?<=\w{3})ogue(s)?$"), r"og\1"),  # catalogue, dialogue
    (re.compile(r"^(de|of)fence(s)?$"), r"\1fense\2"),
    (re.compile(r"^licence(s|d)?$"), r"license\1"),
    (re.compile(r"^programme(s|d)?$"), r"program\1"),
    (re.compile(r"^judgement(s)?$"), r"judgment\1"),
    (re.compile(r"^enrol(s|ment|ments)?$"), r"enroll\1"),
)

# Words the rules would fold but that have no other spelling and would merge with another word.
_NOT_BRITISH = frozenset({"expertise", "paradise"})


def americanize(word: str) -> str:
    """Fold a British spelling onto the American one (radicalisation -> radicalization)."""
    if word in _NOT_BRITISH or not word.isalpha():
        return word
    for pattern, replacement in _SPELLING_RULES:
        word = pattern.sub(replacement, word)
    return word
