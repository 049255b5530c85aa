"""Answer a question from the index: expand names, rank with BM25, check phrases, quote.

The base score is rank_bm25's BM25Okapi over each paragraph's terms (its text, the footnotes it
cites, and its heading). On top of that, only query-term weights change: alternative names of
what the user typed weigh less than what they typed, and synonyms of a word are weighted as one
term so that a rare spelling ("Daesh") does not outweigh the rest of the question; a second
round adds the words the first round's best paragraphs share (pseudo-relevance feedback).
Everyday words add the reports' words for them (retrieval/register.py). How much each word
weighs is retrieval/weigh.py's job.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any

import numpy as np

from corpus.model import Paragraph, Report, ReportMeta
from retrieval import index as bm25
from retrieval import segment
from retrieval.aliases import AliasGroup, AliasTable, curated_aliases, learn_aliases
from retrieval.answer import Answer, Hit
from retrieval.answer_thread import ANSWERS
from retrieval.excerpt import best_excerpt
from retrieval.initials import report_names
from retrieval.options import DEFAULT_OPTIONS, SearchOptions
from retrieval.query import YEAR, Query, parse_query
from retrieval.register import Register, shipped_register
from retrieval.semantic import (
    MIN_SIMILARITY,
    SEMANTIC_WEIGHT,
    STRONG_SIMILARITY,
    SemanticLayer,
    dense_top,
    fuse,
    vector_share,
    with_feedback,
)
from retrieval.spelling import Reading, spelled
from retrieval.tiered import SearchIndex
from retrieval.tokenize import Term, find_terms, tokenize, tokenize_spans
from retrieval.weigh import NAME_KEY, Plan, plan_query, term_idf

_YEAR = re.compile(YEAR)  # a year typed alone: a time, not a figure to match
CANDIDATES = 50  # docs ranked before phrase checks and excerpting; more only with phrases
# Candidates read beyond the best k at first: none. In the eval sets (semantic layer off) and
# the benchmark's questions, the best k were all evidence in every answer; with the layer on,
# 10 of 172 answers needed more. Each paragraph read costs ~0.03 ms at 1M when SQLite has not
# read it yet, so five spare ones cost every answer more than a second read costs the few.
FIRST_FETCH_MARGIN = 0
FETCH_MARGIN = 5  # a second read takes the candidates still needed and this many more
PHRASE_CANDIDATES = 500
# Pseudo-relevance feedback (RM3-style, Lavrenko and Croft 2001): the 10 best paragraphs of a
# first round lend their 10 most characteristic words to a second round, at a quarter weight.
# It bridges askers' words and the reports' ("money" -> revenue, financing) without a synonym
# list; the dev-set sweep over 8-15 docs, 5-10 words, 0.2-0.3 weight stayed within 0.77-0.80.
FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.25
WEAK_COVERAGE = 0.5  # below this share of the question's weight, the best hit is not an answer
# Time words ("now", "latest") lift paragraphs of newer reports by up to this share of the best
# score: enough to break near-ties in favour of the newest report, never to bury a better answer.
RECENCY_BONUS = 0.2
# A footnote whose text is shared by this many footnotes of a report ("Information provided by a
# Member State.") is boilerplate: it says nothing about the paragraphs that cite it.
BOILERPLATE_FOOTNOTES = 3
_ALIASES_BLOB = "aliases"
_NAMES_BLOB = "names"
# What a segment's search payload holds; segments of an older payload are re-indexed from the
# stored paragraphs when a database is opened (Library._load). 2: capitalised names (for
# acronyms); boilerplate
# footnotes left out.
EXTRAS_VERSION = 2
_INDEX_PREFIX = "index/"

Fetch = Callable[[Sequence[tuple[str, int]]], Coroutine[Any, Any, list[Paragraph]]]
FetchNow = Callable[[Sequence[tuple[str, int]]], list[Paragraph]]  # blocking: worker threads only


def paragraph_terms(
    paragraph: Paragraph,
    options: SearchOptions = DEFAULT_OPTIONS,
    boilerplate: frozenset[str] = frozenset(),
) -> list[str]:
    """What a paragraph is indexed under: its text, the footnotes it cites, its heading."""
    return tokenize(paragraph.text) + _context_terms(paragraph, options, boilerplate)


def _context_terms(
    paragraph: Paragraph, options: SearchOptions, boilerplate: frozenset[str]
) -> list[str]:
    """The terms a paragraph is indexed under besides its text's: footnotes, heading."""
    return [t for text in _context_texts(paragraph, options, boilerplate) for t in tokenize(text)]


def _context_texts(
    paragraph: Paragraph, options: SearchOptions, boilerplate: frozenset[str]
) -> list[str]:
    """The texts of _context_terms: the footnotes the paragraph cites, its heading."""
    texts = [f.text for f in paragraph.footnotes] if options.footnotes else []
    texts = [text for text in texts if _footnote_key(text) not in boilerplate]
    if options.headings and paragraph.section:
        texts.append(paragraph.section[-1])
    return texts


def boilerplate_footnotes(report: Report) -> frozenset[str]:
    """Footnote texts repeated across a report's footnotes: sources, not content."""
    footnotes = {f.number: f.text for f in report.footnotes}
    footnotes.update((f.number, f.text) for p in report.paragraphs for f in p.footnotes)
    counts = Counter(_footnote_key(text) for text in footnotes.values())
    return frozenset(key for key, count in counts.items() if count >= BOILERPLATE_FOOTNOTES)


def _footnote_key(text: str) -> str:
    return " ".join(text.casefold().split())


@lru_cache(maxsize=4096)
def _term_counts(paragraph: Paragraph) -> Counter[str]:
    """A paragraph's indexed terms, counted; cached because answers revisit the same ones."""
    return Counter(paragraph_terms(paragraph))


def _term_set(paragraph: Paragraph) -> Mapping[str, int]:
    return _term_counts(paragraph)


def build_segment(report: Report, options: SearchOptions = DEFAULT_OPTIONS) -> bytes:
    """Index one report: every paragraph's terms, plus the aliases its text defines."""
    texts = [p.text for p in report.paragraphs]
    texts += [f.text for f in report.footnotes] or [
        f.text for p in report.paragraphs for f in p.footnotes
    ]
    text = "\n".join(texts)
    learned = learn_aliases(text, f"defined in {report.symbol}")
    extras = json.dumps(
        {
            "version": EXTRAS_VERSION,
            "aliases": [list(g.names) for g in learned],
            "names": report_names(text),
        }
    ).encode()
    boilerplate = boilerplate_footnotes(report)  # once per report, not once per paragraph
    return segment.build_text_segment(  # paragraph_terms, tokenised straight to term ids
        report.symbol,
        [p.number for p in report.paragraphs],
        [[p.text, *_context_texts(p, options, boilerplate)] for p in report.paragraphs],
        extras,
    )


def report_order(symbol: str) -> tuple[tuple[int, int | str], ...]:
    """Citation order of symbols: S/2016/501 before S/2018/80 before S/2018/102."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in symbol.split("/"))


def merge_extras(
    extras: Mapping[str, bytes],
) -> tuple[tuple[AliasGroup, ...], tuple[str, ...]]:
    """The learned aliases and capitalised names of reports, from their segments' payloads
    (merged in citation order: the first report defining a name is its source)."""
    learned: dict[tuple[str, ...], AliasGroup] = {}
    capitalised: dict[str, None] = {}
    for symbol in sorted(extras, key=report_order):
        payload = json.loads(extras[symbol] or b"{}")
        if not isinstance(payload, dict) or payload.get("version") != EXTRAS_VERSION:
            raise ValueError(f"the index segment of {symbol} is of an older search layer")
        for names in payload["aliases"]:
            learned.setdefault(tuple(names), AliasGroup(tuple(names), f"defined in {symbol}"))
        capitalised.update(dict.fromkeys(payload["names"]))
    return tuple(learned.values()), tuple(capitalised)


@dataclass(frozen=True)
class Searcher:
    """The global index, the merged alias table, and what each indexed report is."""

    index: SearchIndex
    learned: tuple[AliasGroup, ...]
    reports: Mapping[str, ReportMeta]
    names: tuple[str, ...] = field(default=(), repr=False)  # capitalised names, for acronyms
    semantic: SemanticLayer | None = field(default=None, repr=False)
    options: SearchOptions = DEFAULT_OPTIONS
    aliases: AliasTable = field(init=False, repr=False)
    register: Register = field(init=False, repr=False)
    idf_cache: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        curated = curated_aliases() if self.options.aliases else ()
        learned = self.learned if self.options.aliases else ()
        object.__setattr__(self, "aliases", AliasTable([*curated, *learned]))
        register = shipped_register() if self.options.register else Register(())
        object.__setattr__(self, "register", register)
        object.__setattr__(self, "idf_cache", {})

    @classmethod
    def empty(cls) -> Searcher:
        return cls(bm25.Bm25Index.from_segments([]), (), {})

    @classmethod
    def rebuild(cls, segments: Mapping[str, bytes], reports: Mapping[str, ReportMeta]) -> Searcher:
        """Merge report segments (in citation order) into one index; collect learned aliases."""
        order = sorted(segments, key=report_order)
        extras = {s: segment.read_segment_extras(segments[s]) for s in order}
        learned, names = merge_extras(extras)
        index = bm25.Bm25Index.from_segments([segments[s] for s in order])
        return cls(index, learned, dict(reports), names)

    @classmethod
    def from_blobs(cls, blobs: Mapping[str, bytes], reports: Mapping[str, ReportMeta]) -> Searcher:
        """Load what to_blobs saved (no re-tokenising, no re-merging)."""
        parts = {
            k.removeprefix(_INDEX_PREFIX): v
            for k, v in blobs.items()
            if k not in (_ALIASES_BLOB, _NAMES_BLOB)
        }
        learned = tuple(
            AliasGroup(tuple(names), source)
            for names, source in json.loads(blobs.get(_ALIASES_BLOB) or b"[]")
        )
        if _NAMES_BLOB not in blobs:  # saved by an older search layer: rebuild
            raise KeyError(_NAMES_BLOB)
        names = tuple(json.loads(blobs[_NAMES_BLOB]))
        return cls(bm25.Bm25Index.from_blobs(parts), learned, dict(reports), names)

    def with_semantic(self, semantic: SemanticLayer | None) -> Searcher:
        """The same index with (or without) the semantic layer."""
        return replace(self, semantic=semantic)

    def with_options(self, options: SearchOptions) -> Searcher:
        return replace(self, options=options)

    def configured(self, semantic: SemanticLayer | None, options: SearchOptions) -> Searcher:
        """The same index with this semantic layer (or none) and these options, in one copy."""
        return replace(self, semantic=semantic, options=options)

    def doc_reports(self) -> list[tuple[str, list[int]]]:
        """Each indexed report's paragraph numbers, in index order (how vectors are aligned)."""
        keys = self.index.keys
        out = []
        for symbol in self.index.reports:
            docs = self.index.report_slice(symbol)
            out.append((symbol, [keys[i][1] for i in range(docs.start, docs.stop)]))
        return out

    def to_blobs(self) -> dict[str, bytes]:
        """The stored form of a one-piece index (a built or loaded searcher's, never a live
        library's tiered one: its tiers are stored as segments)."""
        assert isinstance(self.index, bm25.Bm25Index), "only a one-piece index is stored whole"
        blobs = {_INDEX_PREFIX + k: v for k, v in self.index.to_blobs().items()}
        blobs[_ALIASES_BLOB] = json.dumps(
            [[list(g.names), g.source] for g in self.learned]
        ).encode()
        blobs[_NAMES_BLOB] = json.dumps(list(self.names)).encode()
        return blobs


async def answer_question(
    searcher: Searcher,
    fetch: Fetch | FetchNow,
    question: str,
    *,
    k: int,
    report: str | None,
    year: int | None,
) -> Answer:
    """Rank paragraphs for a question; odd input gives an empty answer with a reason.

    The whole answer (parsing, weighing, scoring, counting, the paragraph reads, excerpts) is
    made in one worker thread, so the bot's loop stays free and the answer crosses threads once.
    A `FetchNow` reads from that thread; an async `Fetch` is run on the loop meanwhile.
    """
    loop = asyncio.get_running_loop()
    if asyncio.iscoroutinefunction(fetch):
        fetch = _on_loop(fetch, loop)
    work = functools.partial(
        answer_now,
        searcher,
        fetch,  # type: ignore[arg-type]
        question,
        k=k,
        report=report,
        year=year,
    )
    return await ANSWERS.run(work)


def _on_loop(fetch: Fetch, loop: asyncio.AbstractEventLoop) -> FetchNow:
    """A FetchNow for a worker thread that runs an async fetch on the (free) event loop."""

    def fetch_now(keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
        return asyncio.run_coroutine_threadsafe(fetch(keys), loop).result()

    return fetch_now


def answer_now(
    searcher: Searcher,
    fetch: FetchNow,
    question: str,
    *,
    k: int,
    report: str | None,
    year: int | None,
) -> Answer:
    """answer_question's work, in the calling thread (blocking: never call it on the loop)."""
    started = time.perf_counter()
    query = parse_query(question, report=report, year=year, known_reports=searcher.reports)
    options = searcher.options

    def done(
        hits: Sequence[Hit] = (),
        total: int = 0,
        reason: str | None = None,
        unknown: Sequence[str] = (),
    ) -> Answer:
        took = (time.perf_counter() - started) * 1000
        return _finish(query, hits, total, took, reason, unknown)

    allowed, problem = _allowed(searcher, query)
    if problem:
        return done(reason=problem)
    cited, problem = _cited(searcher, fetch, query)
    if not query.terms:
        return done(cited, len(cited), problem or query.problem)
    plan = plan_query(searcher, query, question)
    n = PHRASE_CANDIDATES if query.phrases else max(CANDIDATES, k)
    ranked, matching = _top(searcher, plan, n, allowed, count=True)
    paragraphs: dict[tuple[str, int], Paragraph] = {}
    if ranked and options.feedback:  # second round: the question plus its best paragraphs' words
        paragraphs = _fetch_more(fetch, paragraphs, ranked[:FEEDBACK_DOCS])
        top = [paragraphs[key] for key, _ in ranked[:FEEDBACK_DOCS] if key in paragraphs]
        plan = _with_feedback(searcher, plan, top)
        ranked, _ = _top(searcher, plan, n, allowed)  # feedback words are not counted
    similarity: dict[tuple[str, int], float] = {}
    if searcher.semantic is not None and options.semantic:
        share = SEMANTIC_WEIGHT
        if options.adaptive_fusion:  # by how much of the question BM25's best paragraph holds
            paragraphs = _fetch_more(fetch, paragraphs, ranked[:1])
            best = paragraphs.get(ranked[0][0]) if ranked else None
            share = vector_share(_coverage(plan, _term_set(best))[1] if best else 0.0)
        ranked, similarity = _fused(
            searcher,
            searcher.semantic,
            query,
            plan,
            ranked,
            n,
            allowed,
            options.vector_feedback,
            share,
        )
    if query.recent and options.recency:
        ranked = _prefer_recent(searcher, ranked)
    if query.phrases or (similarity and _exact_terms(plan)):
        # every candidate is read: phrases are counted, exact evidence is put first
        paragraphs = _fetch_more(fetch, paragraphs, ranked)
        hits, total = _hits(searcher, plan, query, ranked, paragraphs, k, similarity, matching)
    else:
        hits, total = _first_hits(
            searcher, fetch, plan, query, ranked, paragraphs, k, similarity, matching
        )
    if query.phrases and not hits:
        problem = problem or "No paragraph contains the quoted phrase."
    seen = {(h.paragraph.report, h.paragraph.number) for h in cited}
    top_score = max((h.score for h in hits), default=0.0) + 1.0
    cited = [_replace_score(h, top_score) for h in cited]
    hits = cited + [h for h in hits if (h.paragraph.report, h.paragraph.number) not in seen]
    unknown = _unknown_names(searcher, plan, query)
    problem = " ".join(filter(None, [_readings_note(plan.readings, hits), problem])) or None
    return done(hits[: max(k, len(cited))], max(total, len(hits)), problem, unknown)


def _readings_note(readings: Sequence[Reading], hits: Sequence[Hit]) -> str | None:
    """Say which typed words were read as another word, so a wrong guess shows."""
    if not readings:
        return None
    pairs = dict.fromkeys(f"“{r.typed}” as “{_as_written(r, hits)}”" for r in readings)
    return f"Read {', '.join(pairs)}."


def _as_written(reading: Reading, hits: Sequence[Hit]) -> str:
    """The spelling one edit from the typed word that found it, with the capitals the hits give
    that very word inside a sentence ("Qaida" for "qaeda"); a capital that only starts a
    sentence says nothing of how the word is written, and another form of the word
    ("Government" for "goverments") is not what was typed."""
    wanted = reading.word.casefold()
    for hit in hits:
        text = hit.paragraph.text
        for span in find_terms(text, {reading.term}):
            word = text[span.start : span.end]
            if word.casefold() == wanted and not _starts_sentence(text, span.start):
                return word
    return reading.word


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens the text or follows a sentence's end (. ! ? :),
    past any spaces, quotes and brackets."""
    before = text[:start].rstrip(" \t\n\"'“‘([")
    return not before or before[-1] in ".!?:"


def _unknown_names(searcher: Searcher, plan: Plan, query: Query) -> list[str]:
    """Names the question types (capitalised: NATO, Mozambique) that no paragraph holds and no
    other name stands for: an answer cannot be about them, whatever else matches."""
    stands_in = set(plan.origin.values())
    names = []
    for span in tokenize_spans(query.text):
        word = query.text[span.start : span.end]
        if span.start == 0 and not word.isupper():
            continue  # a question's first word is capitalised anyway
        typed = span.term in plan.importance and span.term not in stands_in
        if word[:1].isupper() and typed and not searcher.index.has_term(span.term):
            names.append(word)
    return list(dict.fromkeys(names))


Ranked = list[tuple[tuple[str, int], float]]


def _fused(
    searcher: Searcher,
    layer: SemanticLayer,
    query: Query,
    plan: Plan,
    ranked: Ranked,
    n: int,
    allowed: np.ndarray | None,
    feedback: bool,
    share: float,
) -> tuple[Ranked, dict[tuple[str, int], float]]:
    """BM25's ranking fused with the question's vector (`share` of the fused score); returns
    each candidate's similarity."""
    keys = searcher.index.keys
    docs = [searcher.index.doc_index(*key) for key, _ in ranked]
    lexical = [(d, s) for d, (_, s) in zip(docs, ranked, strict=True) if d is not None]
    vector = layer.encode(spelled(query.text, plan.readings))
    similarity = layer.similarities(vector)
    ranking = with_feedback(layer, vector, similarity, allowed) if feedback else similarity
    dense = [] if query.phrases else dense_top(ranking, n, allowed)
    fused = fuse(lexical, ranking, dense, share)
    return (
        [(keys[d], score) for d, score in fused],
        {keys[d]: float(similarity[d]) for d, _ in fused},
    )


def _prefer_recent(searcher: Searcher, ranked: Ranked) -> Ranked:
    """Lift newer reports' paragraphs by up to RECENCY_BONUS of the best score (a tie-break)."""
    if not ranked:
        return ranked
    dated = sorted(
        searcher.reports, key=lambda s: (searcher.reports[s].date or dt.date.min, report_order(s))
    )
    if len(dated) < 2:
        return ranked
    place = {symbol: i / (len(dated) - 1) for i, symbol in enumerate(dated)}
    best = max(score for _, score in ranked) or 1.0
    lifted = [
        (key, score + RECENCY_BONUS * best * place.get(key[0], 0.0), i)
        for i, (key, score) in enumerate(ranked)
    ]
    lifted.sort(key=lambda item: (-item[1], item[2]))
    return [(key, score) for key, score, _ in lifted]


def _top(
    searcher: Searcher, plan: Plan, n: int, allowed: np.ndarray | None, *, count: bool = False
) -> tuple[Ranked, int]:
    """The best n candidates; with `count`, also how many paragraphs match a typed word
    (counted in the same pass over the postings when it can be), else 0."""
    index = searcher.index
    if count:
        ranked, matching = index.top_k_counted(
            plan.terms, n, weights=plan.weights, allowed=allowed, count=list(plan.importance)
        )
    else:
        ranked, matching = index.top_k(plan.terms, n, weights=plan.weights, allowed=allowed), 0
    keys = index.keys.many([doc for doc, _score in ranked])
    return list(zip(keys, [score for _doc, score in ranked], strict=True)), matching


def _fetch_more(
    fetch: FetchNow,
    have: dict[tuple[str, int], Paragraph],
    ranked: Sequence[tuple[tuple[str, int], float]],
) -> dict[tuple[str, int], Paragraph]:
    missing = [key for key, _ in ranked if key not in have]
    found = fetch(missing) if missing else []
    return {**have, **{(p.report, p.number): p for p in found}}


def _hits(
    searcher: Searcher,
    plan: Plan,
    query: Query,
    ranked: Sequence[tuple[tuple[str, int], float]],
    paragraphs: Mapping[tuple[str, int], Paragraph],
    k: int,
    similarity: Mapping[tuple[str, int], float],
    matching: int,
) -> tuple[list[Hit], int]:
    """The best k candidates that match a typed word (feedback words alone are no evidence) or
    are close in meaning, and every quoted phrase, with excerpts; how many paragraphs match
    (those holding every phrase, if there are phrases; else `matching`, counted by _top).

    Exact evidence has the last word: when the question holds numbers or symbols, paragraphs
    that contain all of them come first, whatever the vectors say.
    """
    exact = _exact_terms(plan)
    if exact and similarity:
        ranked = sorted(ranked, key=lambda item: not _has_terms(paragraphs.get(item[0]), exact))
    hits: list[Hit] = []
    phrase_matches = 0
    surfaces = _surfaces(query.text, plan)
    weights = lit_weights(searcher, plan)
    for key, score in ranked:
        paragraph = paragraphs.get(key)
        if paragraph is None or not _has_phrases(paragraph, query.phrases):
            continue
        phrase_matches += 1
        if len(hits) < k:
            hit = _hit(
                paragraph, score, plan, query, searcher, similarity.get(key), surfaces, weights
            )
            if hit.coverage > 0 or (hit.similarity or 0.0) >= MIN_SIMILARITY:
                hits.append(hit)
        elif not query.phrases:
            break  # nothing more to count
    return hits, phrase_matches if query.phrases else matching


def _first_hits(
    searcher: Searcher,
    fetch: FetchNow,
    plan: Plan,
    query: Query,
    ranked: Ranked,
    paragraphs: dict[tuple[str, int], Paragraph],
    k: int,
    similarity: Mapping[tuple[str, int], float],
    matching: int,
) -> tuple[list[Hit], int]:
    """_hits when the order of candidates is final (no phrases, no exact-first reordering),
    reading only the candidates it quotes: the best k + FIRST_FETCH_MARGIN first; if too few of
    those are evidence (match a typed word, or are close in meaning), the number still needed +
    FETCH_MARGIN; then the rest."""
    hits: list[Hit] = []
    done = 0
    batch = k + FIRST_FETCH_MARGIN
    reads = 0
    while len(hits) < k and done < len(ranked):
        chunk = ranked[done : done + batch]
        paragraphs = _fetch_more(fetch, paragraphs, chunk)
        found, _ = _hits(
            searcher, plan, query, chunk, paragraphs, k - len(hits), similarity, matching
        )
        hits += found
        done += len(chunk)
        reads += 1
        batch = k - len(hits) + FETCH_MARGIN if reads == 1 else len(ranked)
    return hits, matching


def _coverage(plan: Plan, present: Container[str]) -> tuple[set[str], float]:
    """The typed terms a paragraph holding `present` matches (itself, or through another name
    for it), and their share of the question's weight (idf), each counted at its credit."""
    found = dict.fromkeys((t for t in plan.importance if t in present), 1.0)
    for term, typed in plan.origin.items():  # a typed word covered by another name for it
        if term in present:
            found[typed] = max(found.get(typed, 0.0), plan.credit.get(term, 1.0))
    total = sum(plan.importance.values()) or 1.0
    return set(found), sum(plan.importance.get(t, 0.0) * c for t, c in found.items()) / total


def _exact_terms(plan: Plan) -> list[str]:
    """Typed numbers and symbols: paragraphs holding all of them outrank the vectors' choice.

    Not a year (1900-2099) on its own: "in 2016", "since 2016", "back in 2016" say when, and the
    paragraphs about that time rarely print the year (a report of 2016 says "currently"). A year
    stays a searched word, so paragraphs that print it still score for it; a resolution's year
    ("2253 (2015)") and document symbols stay exact through their other terms."""
    return [t for t in plan.importance if any(c.isdigit() for c in t) and not _YEAR.fullmatch(t)]


def _has_terms(paragraph: Paragraph | None, terms: Sequence[str]) -> bool:
    if paragraph is None:
        return False
    present = _term_set(paragraph)
    return all(t in present for t in terms)


def _with_feedback(searcher: Searcher, plan: Plan, top: Sequence[Paragraph]) -> Plan:
    """Pseudo-relevance feedback: add the words the best paragraphs share, at low weight."""
    mass: dict[str, float] = defaultdict(float)
    for p in top:
        counts = _term_counts(p)
        length = sum(counts.values())
        for t, c in counts.items():
            mass[t] += c / length * term_idf(searcher, t)
    known = set(plan.terms)
    extra: list[tuple[str, float]] = []
    for t, m in sorted(mass.items(), key=itemgetter(1), reverse=True):  # as most_common
        if len(extra) == FEEDBACK_TERMS:
            break
        if t not in known and searcher.index.term_doc_frequency(t) > 1:
            extra.append((t, m))
    if not extra:
        return plan
    top_mass = extra[0][1]
    return Plan(
        plan.terms + [t for t, _ in extra],
        plan.weights + [FEEDBACK_WEIGHT * m / top_mass for _, m in extra],
        plan.origin,
        plan.importance,
        plan.credit,
    )


def _finish(
    query: Query,
    hits: Sequence[Hit],
    total: int,
    took_ms: float,
    reason: str | None,
    unknown: Sequence[str] = (),
) -> Answer:
    """Set the honesty flags: weak when the best hit covers too little of the question, or
    when the question names something no report mentions."""
    notes = [reason] if reason else []
    if query.truncated:
        notes.append(f"The question was cut to its first {len(query.text)} characters.")
    if query.problem and query.problem not in notes:
        notes.append(query.problem)
    weak = False
    close = any((h.similarity or 0.0) >= STRONG_SIMILARITY for h in hits)
    if hits and unknown:
        weak = True
        names = ", ".join(f"“{name}”" for name in unknown)
        notes.append(f"No paragraph mentions {names}; these are the closest.")
    elif hits and max(h.coverage for h in hits) < WEAK_COVERAGE and not close:
        weak = True
        notes.append("No paragraph matches most of the question; these are the closest.")
    elif not hits and not notes:
        notes.append("No paragraph matches the question.")
    return Answer(query.text, tuple(hits), total, took_ms, weak, " ".join(notes) or None)


def _allowed(searcher: Searcher, query: Query) -> tuple[np.ndarray | None, str | None]:
    """The docs a report or year filter leaves, or a reason why none can match."""
    if query.report is None and query.year is None:
        return None, None
    known = sorted(searcher.reports, key=report_order)
    if query.report is not None and query.report not in searcher.reports:
        return None, f"There is no report {query.report}; reports: {', '.join(known) or 'none'}."
    chosen = [
        s
        for s in known
        if (query.report is None or s == query.report)
        and (query.year is None or searcher.reports[s].year == query.year)
    ]
    if not chosen:
        years = sorted({m.year for m in searcher.reports.values() if m.year})
        what = f"{query.report} is not from {query.year}" if query.report else "no report"
        return None, f"No paragraphs to search: {what} (years: {', '.join(map(str, years))})."
    mask = np.zeros(len(searcher.index), dtype=bool)
    for symbol in chosen:
        if symbol in searcher.index.reports:
            mask[searcher.index.report_slice(symbol)] = True
    return mask, None


def _cited(searcher: Searcher, fetch: FetchNow, query: Query) -> tuple[list[Hit], str | None]:
    """The paragraphs a question cites, first in the answer; a reason if they do not exist."""
    if query.citation is None:
        return [], None
    symbol, first, last = query.citation
    if symbol not in searcher.reports:
        return [], f"There is no report {symbol} to cite."
    wanted = [(symbol, n) for n in range(first, min(last, first + 9) + 1)]
    found = sorted(fetch(wanted), key=lambda p: p.number)
    if not found:
        return [], f"{symbol} has no paragraph {first}."
    hits = [Hit(p, 0.0, best_excerpt(p, {}), (), 1.0, _date(searcher, p)) for p in found]
    return hits, None


def _replace_score(hit: Hit, score: float) -> Hit:
    return replace(hit, score=score)


def _date(searcher: Searcher, paragraph: Paragraph) -> dt.date | None:
    meta = searcher.reports.get(paragraph.report)
    return meta.date if meta else None


def _hit(
    paragraph: Paragraph,
    score: float,
    plan: Plan,
    query: Query,
    searcher: Searcher,
    similarity: float | None = None,
    surfaces: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> Hit:
    """A ranked paragraph with its excerpt, the typed words it matched, and its coverage."""
    weights = weights if weights is not None else lit_weights(searcher, plan)
    present, spans = _present_terms(paragraph, frozenset({*plan.importance, *plan.origin}))
    matched_terms, coverage = _coverage(plan, present)
    lit = [span for span in spans if span.term in weights]
    excerpt = best_excerpt(paragraph, weights, phrases=query.phrases, spans=lit)
    surfaces = surfaces if surfaces is not None else _surfaces(query.text, plan)
    matched = tuple(surfaces[t] for t in plan.importance if t in matched_terms)
    return Hit(
        paragraph,
        score,
        excerpt,
        tuple(dict.fromkeys(matched)),
        round(min(coverage, 1.0), 4),
        _date(searcher, paragraph),
        None if similarity is None else round(similarity, 4),
    )


def lit_weights(searcher: Searcher, plan: Plan) -> dict[str, float]:
    """What each question term weighs when choosing an excerpt: typed words and other names,
    by idf (feedback words are not lit). The timeline lights the same words."""
    weights: dict[str, float] = {}
    for t, w in zip(plan.terms, plan.weights, strict=True):
        if t in plan.importance or t in plan.origin:
            weights[t] = weights.get(t, 0.0) + term_idf(searcher, t) * w
    return weights


@lru_cache(maxsize=4096)
def _present_terms(
    paragraph: Paragraph, wanted: frozenset[str]
) -> tuple[frozenset[str], tuple[Term, ...]]:
    """Which `wanted` terms a paragraph is indexed under (as _term_set would say), and where
    they are in its text (as find_terms finds them); cached because answers revisit the same
    paragraphs for the same words."""
    spans = find_terms(paragraph.text, wanted)
    present = {span.term for span in spans}
    present.update(wanted & _context_term_set(paragraph))
    return frozenset(present), tuple(spans)


@lru_cache(maxsize=4096)
def _context_term_set(paragraph: Paragraph) -> frozenset[str]:
    """The terms a paragraph is indexed under besides its text's (footnotes, heading), as
    _term_set's; cached because answers revisit the same paragraphs."""
    return frozenset(_context_terms(paragraph, DEFAULT_OPTIONS, frozenset()))


def _surfaces(text: str, plan: Plan) -> dict[str, str]:
    """The word of the question each typed term came from, as the user typed it."""
    first: dict[str, str] = {}
    for t in tokenize_spans(text):
        first.setdefault(t.term, text[t.start : t.end])
    return {
        term: term.removeprefix(NAME_KEY) if term.startswith(NAME_KEY) else first.get(term, term)
        for term in plan.importance
    }


def _has_phrases(paragraph: Paragraph, phrases: Sequence[tuple[str, ...]]) -> bool:
    if not phrases:
        return True
    terms = tokenize(paragraph.text) + [t for f in paragraph.footnotes for t in tokenize(f.text)]
    return all(_contains_run(terms, p) for p in phrases)


def _contains_run(terms: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(tuple(terms[i : i + n]) == tuple(phrase) for i in range(len(terms) - n + 1))
