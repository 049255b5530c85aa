"""Where the time of one /ask goes: wall time of each phase of Library.ask + render_answer.

    uv run python benchmarks/ask_phases.py /tmp/reportbot-bench-ask/ask-1000000.sqlite3
    uv run --group bench python benchmarks/ask_phases.py DB --tantivy   # as bench_ask interleaves

Runs on a database bench_ask.py built (its queries.json beside it), the semantic layer off as
there: 10 warm-up questions, then 2 passes over the 220 questions, one after the other. Each
phase is timed by wrapping the function that does it (the wrappers cost a few µs per call), and
reported as the median over the asks of its time in one ask, with the mean beside it, and the
medians over the questions' first asks in the process (past the warm-up) and over their
second asks (the second pass) apart. Phases
nest: `answer_now` (everything `Library.ask` does in its one worker thread) holds the rest but
`render_answer`; `_first_hits` holds `_fetch_more` (which holds the SQLite read,
`fetch_paragraphs_at`) and `_hits`, which holds `best_excerpt`; `_top` holds `top_k_counted`
(scoring, with the matches counted in the same pass: `_positive_count`; `matching_count` only
when they cannot be) or, for a feedback round, `top_k`. A phase an ask does not reach counts 0
for that ask. "(the thread switch and the loop)" is an ask's time outside `answer_now` and
`render_answer`: handing the answer to the worker thread and back, and the generation check.

With `--tantivy`, tantivy's two searches of the question (top 10 with stored text, count=False
and count=True, on the index bench_ask.py built beside the database) run before each ask,
untimed, as bench_ask.py interleaves them: what each phase costs when another engine has just
used the CPU's caches.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import bot.replies as replies  # noqa: E402
import retrieval.index as index  # noqa: E402
import retrieval.library as library  # noqa: E402
import retrieval.search as search  # noqa: E402
import retrieval.store as store  # noqa: E402
import retrieval.tiered as tiered  # noqa: E402

WARMUP = 10
REPEATS = 2
_spent: dict[str, float] = defaultdict(float)


def _timed(owner: object, name: str) -> None:
    """Replace owner.name by a wrapper that adds its wall time to _spent[name]."""
    inner: Callable = getattr(owner, name)
    if asyncio.iscoroutinefunction(inner):

        @functools.wraps(inner)
        async def wrapper(*args: object, **kwargs: object) -> object:
            t0 = time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                _spent[name] += time.perf_counter() - t0

    else:

        @functools.wraps(inner)
        def wrapper(*args: object, **kwargs: object) -> object:  # type: ignore[misc]
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                _spent[name] += time.perf_counter() - t0

    setattr(owner, name, wrapper)


PHASES = [
    (search, "answer_now"),
    (search, "parse_query"),
    (search, "plan_query"),
    (search, "_top"),
    (tiered.TieredIndex, "top_k"),
    (tiered.TieredIndex, "top_k_counted"),
    (tiered.TieredIndex, "matching_count"),
    (index, "_positive_count"),
    (search, "_first_hits"),
    (search, "_fetch_more"),
    (store.ParagraphReader, "fetch_paragraphs_at"),
    (search, "_hits"),
    (search, "best_excerpt"),
    (replies, "render_answer"),
]


def tantivy_search(db: Path) -> Callable[[list[str]], None]:
    """bench_ask.py's tantivy side on the index built beside `db`: both searches of a query."""
    sys.path[:0] = [str(ROOT / "benchmarks")]
    import tantivy
    from bench_ask import TOP, _tantivy_schema

    schema = _tantivy_schema()
    n = db.stem.rsplit("-", 1)[-1]
    searcher = tantivy.Index.open(str(db.parent / f"tantivy-text-{n}")).searcher()

    def search(tokens: list[str]) -> None:
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in tokens
        ]
        query = tantivy.Query.boolean_query(clauses)
        for count in (False, True):
            found = searcher.search(query, TOP, count=count)
            [searcher.doc(address)["body"][0] for _score, address in found.hits]

    return search


async def measure(db: Path, interleave: bool) -> None:
    tokens = json.loads((db.parent / "queries.json").read_text())
    questions = [" ".join(t) for t in tokens]
    other = tantivy_search(db) if interleave else None
    for owner, name in PHASES:
        _timed(owner, name)
    lib = await library.Library.open(db, bootstrap=False, semantic=False, warm_index=True)
    totals: list[float] = []
    per_phase: dict[str, list[float]] = defaultdict(list)
    try:
        for question in questions[:WARMUP]:
            replies.render_answer(await lib.ask(question, k=10), link_base_url="https://x/")
        for _ in range(REPEATS):
            for question, words in zip(questions, tokens, strict=True):
                if other is not None:
                    other(words)
                _spent.clear()
                t0 = time.perf_counter()
                replies.render_answer(await lib.ask(question, k=10), link_base_url="https://x/")
                totals.append((time.perf_counter() - t0) * 1000)
                for _owner, name in PHASES:
                    per_phase[name].append(_spent.get(name, 0.0) * 1000)
                outside = totals[-1] - 1000 * (_spent["answer_now"] + _spent["render_answer"])
                per_phase["(the thread switch and the loop)"].append(outside)
    finally:
        await lib.close()
    ordered = sorted(totals)
    p99 = ordered[int(0.99 * len(ordered))]
    print(f"{db.name}: {len(totals)} asks, p50 {statistics.median(totals):.2f} ms, "
          f"p99 {p99:.2f} ms, mean {statistics.mean(totals):.2f} ms")  # fmt: skip
    # The questions past the warm-up, asked for the first time in the process, then again.
    first = slice(WARMUP, len(questions))
    again = slice(len(questions) + WARMUP, 2 * len(questions))
    print("| phase | median ms | mean ms | first ask, median | asked again, median |")
    print("|---|---|---|---|---|")
    per_phase = {"the whole /ask": totals, **per_phase}
    for name, times in sorted(per_phase.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"| {name} | {statistics.median(times):.3f} | {statistics.mean(times):.3f} "
              f"| {statistics.median(times[first]):.3f} "
              f"| {statistics.median(times[again]):.3f} |")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--tantivy", action="store_true", help="interleave tantivy's searches")
    args = parser.parse_args()
    asyncio.run(measure(args.db, args.tantivy))
