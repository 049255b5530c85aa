"""Text -> search terms, the same way for paragraphs and questions (pure; the stemmer's one home).

Each word is found in the original text, so every term keeps the offsets of the words it came
from: excerpts highlight exactly what matched. A word becomes terms in this order:

- Unicode NFKC, curly quotes folded to ', case folded ("Da’esh" = "Da'esh" = "daesh");
- possessive 's dropped ("ISIL's" -> isil);
- numbers with thousands separators joined ("38,000" -> 38000);
- document symbols kept whole and as their numbers ("S/2017/573" -> s/2017/573, 2017, 573);
- resolution references kept whole too ("2253 (2015)" -> 2253, 2015, 2253(2015));
- hyphenated compounds as their parts and joined (counter-terrorism -> counter, terrorism,
  counterterrorism);
- English stopwords dropped; British spellings folded to American by rule; Snowball stemming.

Speed: no match of the word pattern crosses whitespace (except "2253 (2015)", whose digit, one
space and "(" join two pieces into one unit), so text is cut into whitespace-delimited units and
each distinct unit's terms are worked out once and cached. Vocabularies are Zipfian: at 1M
paragraphs about 1% of units are new, and the rest cost a dict lookup. The result is exactly
what the pattern finds in the whole text (tests/retrieval/test_tokenize_reference.py holds it
to the slow, unit-less reference).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Container, Iterable, Iterator
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import is_, not_
from typing import NamedTuple

import Stemmer

# No cache of PyStemmer's own: the unit cache below already remembers every word's terms, and
# keeping PyStemmer's (10,000 words, purged when full) costs ~4 µs a new word, 10x the stemming.
_STEMMER = Stemmer.Stemmer("english", 0)

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


# A run of non-space characters; a unit ending in a digit takes in " (…" after exactly one space,
# because that is the one match of _WORD that spans whitespace (2253 (2015)).
_UNIT = re.compile(r"\S+(?:(?<=\d)\s\(\S*)*")
_JOINS_UNITS = re.compile(r"\d\s\(")  # without it, str.split() finds the same units, faster
# Distinct units remembered; past this a cache starts again (the frequent units come back at
# once). About 260 bytes a unit: at most ~260 MiB of terms, filled only by ingesting about a
# million paragraphs in one process (a 1M build meets ~860,000 distinct units: at half this
# bound it started again twice and tokenised 2.0 units a paragraph anew instead of 0.86, +9 us
# a paragraph), and ~13 MiB of spans (questions and the paragraphs quoted).
CACHED_UNITS = 1 << 20
CACHED_SPANS = 1 << 16
_UNIT_TERMS: dict[str, tuple[str, ...]] = {}
_UNIT_SPANS: dict[str, tuple[tuple[str, int, int], ...]] = {}


def tokenize(text: str) -> list[str]:
    """Search terms of `text`, in order; used for paragraphs and questions alike."""
    units = text_units(text)
    found: list[tuple[str, ...] | None] = list(map(_UNIT_TERMS.get, units))
    if None in found:  # units not seen yet: learn just those
        for i in compress(range(len(found)), map(is_, found, repeat(None))):
            found[i] = _unit_terms(units[i])
    return list(chain.from_iterable(found))  # type: ignore[arg-type]  # no None is left


def tokenize_spans(text: str) -> list[Term]:
    """Search terms with the offsets (into `text`) of the words they came from."""
    return find_terms(text, None)


def find_terms(text: str, wanted: Collection[str] | None) -> list[Term]:
    """tokenize_spans(text), keeping only the terms in `wanted` (all of them for None).

    Excerpts need the offsets of a question's few terms in a long paragraph, often one never
    quoted before: the paragraph's distinct units are looked up all at once (their terms are
    cached, or worked out once), and only the units holding a wanted term are looked for in
    the text. The other units are never walked one by one, nor made into Term objects.
    """
    if wanted is None or _joins_units(text):
        return _walk_terms(text, wanted)
    keep = wanted if isinstance(wanted, (set, frozenset)) else frozenset(wanted)
    units = list(set(text.split()))  # text_units(text), distinct ("2253 (2015)" joins none)
    known = list(map(_UNIT_TERMS.get, units))
    if None in known:  # units not seen yet: learn them (most at once), then look them up
        learn_unit_terms(compress(units, map(is_, known, repeat(None))))
    terms = [_unit_terms(u) if t is None else t for u, t in zip(units, known, strict=True)]
    found: list[tuple[int, int, str, int, int]] = []
    for unit in compress(units, map(not_, map(keep.isdisjoint, terms))):
        _place_unit(text, unit, keep, found)
    found.sort()  # text order, and within a unit the order of its terms
    return [Term(term, start, end) for _, _, term, start, end in found]


def learn_unit_terms(units: Iterable[str]) -> None:
    """Work out the terms of units not cached yet, the plain words among them in one call of
    the stemmer (what _unit_terms would find, one unit at a time). A plain unit is ASCII
    letters in any case, or ASCII digits, maybe between brackets or before a comma or a full
    stop ("(ISIL),", "2016."): the word pattern finds just the letters or the number there,
    and the punctuation makes no term. Other units are left to _unit_terms."""
    units = list(units)
    words = [unit for unit in units if unit.isascii() and unit.isalpha() and unit.islower()]
    others: list[tuple[str, str]] = []  # (unit, what unit_terms stems) of the other plain units
    if len(words) < len(units):
        lower = set(words)
        others = [
            (unit, _plain_word(core))
            for unit in units
            if unit not in lower and (core := _plain_core(unit)) is not None
        ]
    content = [word for word in words if word not in STOPWORDS]
    more = [word for _unit, word in others if word.isalpha() and word not in STOPWORDS]
    stems = _STEMMER.stemWords([_base_form(word) for word in content + more])
    if len(_UNIT_TERMS) + len(words) + len(others) > CACHED_UNITS:
        _UNIT_TERMS.clear()
    _UNIT_TERMS.update(zip(content, zip(stems[: len(content)], strict=True), strict=True))
    _UNIT_TERMS.update(dict.fromkeys(STOPWORDS.intersection(words), ()))
    if others:
        stem_of = dict(zip(more, stems[len(content) :], strict=True))
        _UNIT_TERMS.update(
            (unit, (stem_of[word],) if word in stem_of else (word,) if word.isdigit() else ())
            for unit, word in others
        )


# What may wrap a plain word or number in a unit: ASCII punctuation that no alternative of
# _WORD takes in (not the apostrophe, hyphen or slash, which words, compounds and symbols hold).
_WRAPPING = '()[],.;:!?"'


def _plain_core(unit: str) -> str | None:
    """The ASCII letters or digits a unit is, once _WRAPPING is stripped ("" for punctuation
    alone); None when it holds anything else (both, hyphens, apostrophes, non-ASCII)."""
    if not unit.isascii():
        return None
    if unit.isalpha() or unit.isdigit():
        return unit
    core = unit.strip(_WRAPPING)
    return core if not core or core.isalpha() or core.isdigit() else None


def _plain_word(core: str) -> str:
    """What unit_terms makes of plain letters before stemming (lowercase, a plural acronym's s
    dropped); digits as they are."""
    word = core.lower()
    return word[:-1] if _PLURAL_ACRONYM.match(core) else word


def _place_unit(
    text: str, unit: str, keep: Container[str], found: list[tuple[int, int, str, int, int]]
) -> None:
    """Add the kept terms of every occurrence of `unit` in `text` as a whole unit (bounded by
    whitespace or the text's ends: where text.split() would cut it out)."""
    picked = [(i, span) for i, span in enumerate(_unit_spans(unit)) if span[0] in keep]
    size, length = len(unit), len(text)
    at = text.find(unit)
    while at >= 0:
        end = at + size
        if (at == 0 or text[at - 1].isspace()) and (end == length or text[end].isspace()):
            found += [(at, i, term, at + start, at + stop) for i, (term, start, stop) in picked]
            at = text.find(unit, end)
        else:
            at = text.find(unit, at + 1)


def _walk_terms(text: str, wanted: Container[str] | None) -> list[Term]:
    """find_terms unit by unit, in order: for every term, or a text whose units join."""
    terms: list[Term] = []
    add = terms.append
    base = 0
    for unit in text_units(text):
        base = text.find(unit, base)  # units are in order, whitespace between: the next one
        for term, start, end in _unit_spans(unit):
            if wanted is None or term in wanted:
                add(Term(term, base + start, base + end))
        base += len(unit)
    return terms


def text_units(text: str) -> list[str]:
    """The whitespace-delimited units of text (str.split() splits on the same characters as
    the pattern's \\s), joining "2253 (2015)"-like ones: tokenize(text) is the terms of each
    unit (unit_terms), one after the other."""
    if _joins_units(text):
        return _UNIT.findall(text)
    return text.split()


def _joins_units(text: str) -> bool:
    """Whether text holds a unit spanning whitespace ("2253 (2015)"): str.split() cuts it."""
    return "(" in text and _JOINS_UNITS.search(text) is not None


def _unit_terms(unit: str) -> tuple[str, ...]:
    terms = _UNIT_TERMS.get(unit)
    if terms is None:
        terms = unit_terms(unit)
        if len(_UNIT_TERMS) >= CACHED_UNITS:
            _UNIT_TERMS.clear()
        _UNIT_TERMS[unit] = terms
    return terms


def unit_terms(unit: str) -> tuple[str, ...]:
    """The terms of one unit of text_units, worked out anew (not cached): for a caller that
    keeps its own map from units (segment.py's term table maps them straight to term ids)."""
    if unit.isascii() and unit.isalpha():  # a plain word: NFKC and the pattern change nothing
        word = unit.lower()
        return _terms_of_word(word[:-1] if _PLURAL_ACRONYM.match(unit) else word)
    return tuple(found.term for found in _iter_terms(unit))


def _unit_spans(unit: str) -> tuple[tuple[str, int, int], ...]:
    """Terms of one unit with offsets relative to it: the pattern's matches inside the unit."""
    spans = _UNIT_SPANS.get(unit)
    if spans is None:
        if unit.isascii() and unit.isalpha():  # a plain word: its terms span all of it
            spans = tuple((term, 0, len(unit)) for term in _unit_terms(unit))
        else:
            spans = tuple(_iter_terms(unit))
        if len(_UNIT_SPANS) >= CACHED_SPANS:
            _UNIT_SPANS.clear()
        _UNIT_SPANS[unit] = spans
    return spans


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
    return _STEMMER.stemWord(_base_form(word))


def _base_form(word: str) -> str:
    """What the stemmer is given: American spelling, an irregular past form's verb."""
    word = americanize(word)
    return _IRREGULAR.get(word, word)


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


# Every ending (or whole word) some rule above needs: a word without one is left as it is, so
# most words skip the eleven substitutions.
_MAY_BE_BRITISH = re.compile(
    r"(?:is(?:ation|ations|e|es|ed|ing|er|ers)|ys(?:e|es|ed|ing)"
    r"|our(?:s|ed|ing|ite|ites|able|er|ers)?|tres?|ell(?:ed|ing|er|ers)|ogues?"
    r"|fences?|licence[sd]?|programme[sd]?|judgements?|enrol(?:s|ment|ments)?)$"
)


def americanize(word: str) -> str:
    """Fold a British spelling onto the American one (radicalisation -> radicalization)."""
    if word in _NOT_BRITISH or not word.isalpha() or not _MAY_BE_BRITISH.search(word):
        return word
    for pattern, replacement in _SPELLING_RULES:
        word = pattern.sub(replacement, word)
    return word
