"""How much each word of a question weighs in BM25: typed words, their other names, everyday words.

Only query-term weights change here; the base score stays rank_bm25's BM25Okapi. Typed words
weigh 1 (function words Snowball's list lacks, half); other names of what was typed weigh
ALIAS_WEIGHT, synonyms taken as one term so a rare spelling ("Daesh") does not outweigh the rest;
the reports' words for everyday words (retrieval/register.py) weigh below the word typed, each
glossary entry's terms capped together. `importance` keeps each typed word's idf for coverage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from retrieval.aliases import Match
from retrieval.initials import names_spelled, typed_acronyms
from retrieval.query import Query
from retrieval.register import REGISTER_WEIGHT, weigh_expansion
from retrieval.spelling import Reading, read_as
from retrieval.tokenize import tokenize, tokenize_spans
from retrieval.wordnet import MAX_SYNONYMS, WORDNET_WEIGHT, shipped_synonyms

if TYPE_CHECKING:
    from retrieval.search import Searcher

ALIAS_WEIGHT = 0.5  # an alternative name counts half as much as the words typed
# No expansion weighs more than a typed word: an alias whose idf is floored (a name in most
# paragraphs) would otherwise need a huge weight to stand for its spelled-out words and drown the
# rest of the question.
MAX_EXPANSION_WEIGHT = 1.0
# Prepositions and conjunctions that Snowball's stopword list lacks ("across", "without"): rare
# in the reports, so BM25 would rate them as topic words; in a question they carry little.
FUNCTION_WORDS = (
    "across along amid amidst among amongst beside besides despite onto toward towards upon via "
    "within without whether unless whereas though although yet"
)
FUNCTION_WORD_WEIGHT = 0.5
_FUNCTION_TERMS = frozenset(t for w in FUNCTION_WORDS.split() for t in tokenize(w))
NAME_KEY = "name:"  # importance key of a name typed without terms of its own ("IS")


@dataclass(frozen=True)
class Plan:
    """The weighted terms sent to BM25, and which typed term each one stands for."""

    terms: list[str]
    weights: list[float]
    origin: dict[str, str]  # expansion term -> the typed term it stands for
    importance: dict[str, float]  # typed term -> idf, for coverage
    # expansion term -> share of its typed term it covers: an alias names the same thing (1,
    # the default); a register word is a looser equivalent (REGISTER_WEIGHT)
    credit: dict[str, float] = field(default_factory=dict)
    readings: tuple[Reading, ...] = ()  # typed words read as another spelling (typos)


def term_idf(searcher: Searcher, term: str) -> float:
    """BM25Okapi's idf for a term; an unknown term gets the idf of a term in no doc."""
    cached = searcher.idf_cache.get(term)
    if cached is None:
        n = len(searcher.index)
        df = searcher.index.term_doc_frequency(term)
        cached = max(math.log((n - df + 0.5) / (df + 0.5)), 0.01) if n else 1.0
        if len(searcher.idf_cache) < 100_000:  # bounded: questions can hold any word
            searcher.idf_cache[term] = cached
    return cached


def plan_query(searcher: Searcher, query: Query, question: str) -> Plan:
    """Typed terms at weight 1; other names of what was typed at ALIAS_WEIGHT, as one synonym."""
    terms = list(query.terms)
    weights = [FUNCTION_WORD_WEIGHT if t in _FUNCTION_TERMS else 1.0 for t in terms]
    importance = {t: term_idf(searcher, t) * w for t, w in zip(terms, weights, strict=True)}
    origin: dict[str, str] = {}
    for match in searcher.aliases.find(question, query.terms):
        typed = [t for t in match.typed if t in importance]
        anchor = typed[0] if typed else NAME_KEY + match.name
        is_known = bool(typed) and all(searcher.index.has_term(t) for t in typed)
        if not typed:  # "IS": its one-word names stand in for it, weighted as one word
            _add_name_synonyms(searcher, match, anchor, terms, weights, importance, origin)
            continue
        has_word = any(len(n) == 1 and searcher.index.has_term(n[0]) for n in match.others)
        for name in match.others:
            if len(name) > 1 and (is_known or has_word):
                continue  # a one-word name stands for it: spelled-out forms add only drift
            for term in name:
                if term in importance or term in origin:
                    continue
                share = (ALIAS_WEIGHT if is_known else 1.0) / len(name) ** 0.5
                if len(typed) == 1 and len(name) == 1:
                    share = ALIAS_WEIGHT * _synonym_damping(searcher, typed[0], term)
                elif len(typed) > 1 and len(name) == 1:  # the acronym of a spelled-out name
                    worth = sum(importance[t] for t in typed) / term_idf(searcher, term)
                    share = ALIAS_WEIGHT * worth
                terms.append(term)
                weights.append(share)
                origin[term] = anchor
        if len(typed) == 1 and is_known:
            _damp_typed(searcher, terms, weights, anchor, match.others)
    if searcher.options.aliases:
        _add_initials(searcher, question, terms, weights, importance, origin)
    readings: tuple[Reading, ...] = ()
    if searcher.options.spelling:
        readings = _add_readings(searcher, query.text, terms, weights, importance, origin)
    credit = _add_register(searcher, query.text, terms, weights, importance, origin)
    if searcher.options.wordnet:
        _add_synonyms(searcher, terms, weights, importance, origin, credit)
    weights = [
        min(w, MAX_EXPANSION_WEIGHT) if t in origin else w
        for t, w in zip(terms, weights, strict=True)
    ]
    return Plan(terms, weights, origin, importance, credit, readings)


def _add_readings(
    searcher: Searcher,
    text: str,
    terms: list[str],
    weights: list[float],
    importance: dict[str, float],
    origin: dict[str, str],
) -> tuple[Reading, ...]:
    """A typed word no paragraph holds, and no other name stands in for, searches as the
    spelling one edit away that the reports use (retrieval/spelling.py), at the typed word's
    weight: it is what was meant."""
    stands_in = set(origin.values())
    readings: list[Reading] = []
    for span in tokenize_spans(text):
        typed = span.term
        if typed not in importance or typed in stands_in or searcher.index.has_term(typed):
            continue
        surface = text[span.start : span.end]
        found = read_as(surface, searcher.index.term_doc_frequency)
        if found is None:
            continue
        word, term = found
        stands_in.add(typed)
        readings.append(Reading(surface, word, term, span.start, span.end))
        if term in importance or term in origin:
            continue  # already searched (typed elsewhere in the question, or another name)
        terms.append(term)
        weights.append(weights[terms.index(typed)])
        origin[term] = typed
    return tuple(readings)


def _add_initials(
    searcher: Searcher,
    question: str,
    terms: list[str],
    weights: list[float],
    importance: dict[str, float],
    origin: dict[str, str],
) -> None:
    """An acronym no paragraph contains ("ISGS") searches as the names whose initials it spells."""
    for typed, key in typed_acronyms(question):
        words = tokenize(typed)
        if len(words) != 1 or words[0] not in importance or searcher.index.has_term(words[0]):
            continue
        if any(o == words[0] for o in origin.values()):
            continue  # a curated or learned alias already stands for it
        names = names_spelled(key, searcher.names)
        for name in names:
            name_terms = [t for t in dict.fromkeys(tokenize(name)) if t not in importance]
            for term in name_terms:
                if term in origin:
                    continue
                terms.append(term)
                weights.append(1.0 / (len(name_terms) ** 0.5 * len(names)))
                origin[term] = words[0]


def _add_synonyms(
    searcher: Searcher,
    terms: list[str],
    weights: list[float],
    importance: dict[str, float],
    origin: dict[str, str],
    credit: dict[str, float],
) -> None:
    """WordNet synonyms of each typed word that the reports use, at WORDNET_WEIGHT."""
    table = shipped_synonyms()
    stands_in = set(origin.values())
    for typed in list(importance):
        if typed in stands_in or typed.startswith(NAME_KEY):
            continue  # a name, or a word the glossary or aliases already expanded
        added = 0
        for term in table.get(typed, ()):
            if added == MAX_SYNONYMS:
                break
            if term in importance or term in origin or not searcher.index.has_term(term):
                continue
            terms.append(term)
            weights.append(WORDNET_WEIGHT)
            origin[term] = typed
            credit[term] = WORDNET_WEIGHT
            added += 1


def _add_register(
    searcher: Searcher,
    question: str,
    terms: list[str],
    weights: list[float],
    importance: dict[str, float],
    origin: dict[str, str],
) -> dict[str, float]:
    """Everyday words add the reports' words for them ("money" -> revenue), below the typed word;
    a term reached twice keeps its larger weight. Returns the coverage credit of added terms."""
    position = {t: i for i, t in enumerate(terms)}
    credit: dict[str, float] = {}
    for expansion in searcher.register.find(question):
        typed = [t for t in expansion.typed if t in importance]
        if not typed:
            continue
        anchor = max(typed, key=lambda t: importance[t])
        added = weigh_expansion(
            expansion, importance[anchor], lambda t: term_idf(searcher, t), searcher.index.has_term
        )
        for term in expansion.figurative:  # "day" in "these days" is not about days
            if term in position and term in importance:
                weights[position[term]] = min(weights[position[term]], REGISTER_WEIGHT)
                importance[term] = min(importance[term], term_idf(searcher, term) * REGISTER_WEIGHT)
        for term, weight in added.items():
            if term in importance:
                continue
            if term in position:
                weights[position[term]] = max(weights[position[term]], weight)
                continue
            position[term] = len(terms)
            terms.append(term)
            weights.append(weight)
            origin[term] = anchor
            credit[term] = REGISTER_WEIGHT
    return credit


def _add_name_synonyms(
    searcher: Searcher,
    match: Match,
    anchor: str,
    terms: list[str],
    weights: list[float],
    importance: dict[str, float],
    origin: dict[str, str],
) -> None:
    """A name with no terms of its own ("IS") counts as its one-word names taken together."""
    singles = [n[0] for n in match.others if len(n) == 1 and n[0] not in importance]
    if not singles:
        return
    union = _union_idf(searcher, singles)
    for term in singles:
        terms.append(term)
        weights.append(min(1.0, union / term_idf(searcher, term)))
        origin[term] = anchor
    importance[anchor] = union


def _union_idf(searcher: Searcher, words: Sequence[str]) -> float:
    """The idf of "any of these words", taking their doc frequencies as disjoint."""
    n = len(searcher.index)
    df = min(sum(searcher.index.term_doc_frequency(t) for t in words), n)
    return max(math.log((n - df + 0.5) / (df + 0.5)), 0.01) if n else 1.0


def _synonym_damping(searcher: Searcher, typed: str, other: str) -> float:
    """Weight two single-word names as one term whose doc frequency is their sum."""
    return min(1.0, _union_idf(searcher, [typed, other]) / term_idf(searcher, other))


def _damp_typed(
    searcher: Searcher,
    terms: list[str],
    weights: list[float],
    typed: str,
    others: Sequence[tuple[str, ...]],
) -> None:
    """A rare spelling of a common name ("Daesh" for ISIL) scores as the name, not as a rarity."""
    singles = [name[0] for name in others if len(name) == 1]
    if not singles:
        return
    n = len(searcher.index)
    df = sum(searcher.index.term_doc_frequency(t) for t in [typed, *singles])
    union = max(math.log((n - min(df, n) + 0.5) / (min(df, n) + 0.5)), 0.01) if n else 1.0
    factor = min(1.0, union / term_idf(searcher, typed))
    for i, term in enumerate(terms):
        if term == typed:
            weights[i] *= factor
