"""Retrieval quality on both development sets, with every search component switched off in turn.

    uv run python scripts/eval.py                      # the table (both sets, all components)
    uv run python scripts/eval.py --save-runs DIR      # also write run files for the shared scorer
    uv run python scripts/eval.py --per-question own   # each question of one set, worst first

Runs the real search (retrieval/search.py) in-process on the bundled corpus, so each variant
takes a second, not a process per question. Index-time switches (footnotes, headings) rebuild
the index; the semantic layer's paragraph vectors are the shipped ones for the bundled corpus
(retrieval/data/minilm/), so nothing is encoded but the questions.

The sets: `dev` is the shared development set (../shared/eval/dev_questions.json, also copied to
tests/retrieval/data/); `own` is eval/own_questions.json, written from the reports' paragraphs
before the search was run on it. Weights are chosen on one set and confirmed on the other; a
component stays only when switching it off costs on both. `fresh` (eval/fresh_questions.json)
was written the same way by someone else, later, after our own set had been used for error
analysis: it is only read as a total, never question by question, so it stays a held-out check.
`blind` (eval/blind_questions.json, round 2, session 10) was written by a helper who saw only the
reports, never the bot, its code or the other sets, told to ask in a team's own words (40 of 60
paraphrases of the paragraph that answers): a held-out check of the same kind, read as a total.
`team` (eval/team_questions.json) was written the same way, by another helper, to be developed on:
the only tunable set in a team's own words (44 of 60 paraphrases).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from corpus.files import bundled_reports
from corpus.model import Paragraph, Report
from retrieval.embedder import Embedder, shipped_vectors
from retrieval.options import SearchOptions
from retrieval.search import Searcher, answer_question, build_segment
from retrieval.semantic import SemanticLayer
from retrieval.vectors import ReportVectors, report_vectors

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "dev": ROOT / "tests" / "retrieval" / "data" / "dev_questions.json",
    "own": ROOT / "eval" / "own_questions.json",
    "team": ROOT / "eval" / "team_questions.json",
    "fresh": ROOT / "eval" / "fresh_questions.json",
    "blind": ROOT / "eval" / "blind_questions.json",
}
TUNABLE = ("dev", "own", "team")  # fresh and blind only confirm: nobody reads them one by one
K = 10
RESAMPLES = 10_000  # bootstrap resamples of each set's questions (fixed seed: reruns agree)


def load(path: Path) -> list[dict]:
    return [q for q in json.loads(path.read_text("utf-8")) if q.get("relevant")]


def ndcg(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    def dcg(gains: Sequence[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    return dcg([relevant.get(key, 0) for key in ranked[:k]]) / ideal if ideal else 0.0


def recall(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    wanted = {key for key, g in relevant.items() if g > 0}
    return len(wanted.intersection(ranked[:k])) / len(wanted) if wanted else 0.0


def per_question_ndcg(runs: Mapping[str, list[str]], questions: Sequence[dict]) -> list[float]:
    return [ndcg(runs[q["id"]], q["relevant"], K) for q in questions]


def bootstrap_interval(values: Sequence[float], resamples: int = RESAMPLES) -> tuple[float, float]:
    """The 95% percentile interval of the mean of `values` over resamples of the questions.

    A set of 20-100 questions measures a search to a few hundredths at best: a change smaller
    than this interval's width is as likely the questions' luck as the search's doing. For a
    change between two variants, pass the per-question differences (a paired interval).
    """
    if not values:
        return 0.0, 0.0
    picks = np.random.default_rng(0).integers(0, len(values), size=(resamples, len(values)))
    means = np.asarray(values, dtype=np.float64)[picks].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def metrics(runs: Mapping[str, list[str]], questions: Sequence[dict]) -> dict[str, float]:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    rows = [(runs[q["id"]], q["relevant"]) for q in questions]
    return {
        "nDCG@10": mean(per_question_ndcg(runs, questions)),
        "R@5": mean([recall(r, rel, 5) for r, rel in rows]),
        "R@10": mean([recall(r, rel, 10) for r, rel in rows]),
    }


class Bench:
    """The bundled corpus, indexed once per index-time variant, with its shipped vectors."""

    def __init__(self) -> None:
        self.reports: list[Report] = bundled_reports()
        self.paragraphs: dict[tuple[str, int], Paragraph] = {
            (p.report, p.number): p for r in self.reports for p in r.paragraphs
        }
        self.metas = {r.symbol: r.meta for r in self.reports}
        self._searchers: dict[tuple[bool, bool], Searcher] = {}
        self._embedder: Embedder | None = None
        self._vectors: dict[str, ReportVectors] | None = None

    def searcher(self, options: SearchOptions) -> Searcher:
        key = (options.footnotes, options.headings)
        if key not in self._searchers:
            segments = {r.symbol: build_segment(r, options) for r in self.reports}
            self._searchers[key] = Searcher.rebuild(segments, self.metas)
        searcher = self._searchers[key].with_options(options)
        if options.semantic:
            embedder = self.embedder()
            vectors = self.vectors(embedder)
            layer = SemanticLayer.align(
                searcher.doc_reports(), vectors, embedder.encode_query, embedder.model_id
            )
            searcher = searcher.with_semantic(layer)
        return searcher

    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder()
        return self._embedder

    def vectors(self, embedder: Embedder) -> dict[str, ReportVectors]:
        if self._vectors is None:
            known = shipped_vectors()
            self._vectors = {
                r.symbol: report_vectors(r, embedder.encode, embedder.model_id, known)
                for r in self.reports
            }
        return self._vectors

    async def fetch(self, keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
        return [self.paragraphs[k] for k in keys if k in self.paragraphs]

    async def run(self, options: SearchOptions, questions: Sequence[dict]) -> dict[str, list[str]]:
        searcher = self.searcher(options)
        runs = {}
        for q in questions:
            answer = await answer_question(
                searcher, self.fetch, q["question"], k=K, report=None, year=None
            )
            runs[q["id"]] = [f"{h.paragraph.report}#{h.paragraph.number}" for h in answer.hits]
        return runs


async def table(bench: Bench, sets: dict[str, list[dict]]) -> dict[str, dict[str, list[str]]]:
    """Print the component table; return the shipped search's runs, per set."""
    shipped_runs: dict[str, dict[str, list[str]]] = {}
    variants = [("all on (shipped)", SearchOptions())]
    shipped = SearchOptions()
    variants += [
        (f"{'-' if getattr(shipped, name) else '+'} {name}", shipped.toggled(name))
        for name in SearchOptions.names()
    ]
    variants.append(("BM25 only", SearchOptions(**dict.fromkeys(SearchOptions.names(), False))))
    scores: dict[str, dict[str, list[float]]] = {}
    header = f"{'variant':<20}" + "".join(f" {name + ' nDCG@10':>14} {'R@5':>6}" for name in sets)
    print(header)
    print("-" * len(header))
    for label, options in variants:
        cells = []
        for name, questions in sets.items():
            runs = await bench.run(options, questions)
            m = metrics(runs, questions)
            cells.append(f" {m['nDCG@10']:>14.3f} {m['R@5']:>6.3f}")
            scores.setdefault(label, {})[name] = per_question_ndcg(runs, questions)
            if label == "all on (shipped)":
                shipped_runs[name] = runs
        print(f"{label:<20}" + "".join(cells), flush=True)
    print_intervals(scores, list(sets))
    return shipped_runs


def print_intervals(scores: Mapping[str, Mapping[str, list[float]]], names: list[str]) -> None:
    """How far each number above could move with other questions of the same kind: the
    shipped search's 95% interval, and each variant's change from it with its paired interval."""
    print(
        f"\nnDCG@10 with 95% bootstrap intervals ({RESAMPLES:,} resamples of each set's questions);"
    )
    print("each variant as its change from the shipped search (paired: the same questions)")
    print(f"{'variant':<20}" + "".join(f" {name:>26}" for name in names))
    shipped = scores["all on (shipped)"]
    cells = []
    for name in names:
        lo, hi = bootstrap_interval(shipped[name])
        mean = sum(shipped[name]) / len(shipped[name])
        cells.append(f" {mean:.3f} [{lo:.3f}, {hi:.3f}]")
    print(f"{'all on (shipped)':<20}" + "".join(f" {c:>26}" for c in cells))
    for label, by_set in scores.items():
        if label == "all on (shipped)":
            continue
        cells = []
        for name in names:
            change = [v - s for v, s in zip(by_set[name], shipped[name], strict=True)]
            lo, hi = bootstrap_interval(change)
            cells.append(f" {sum(change) / len(change):+.3f} [{lo:+.3f}, {hi:+.3f}]")
        print(f"{label:<20}" + "".join(f" {c:>26}" for c in cells), flush=True)


async def per_question(bench: Bench, questions: list[dict]) -> None:
    runs = await bench.run(SearchOptions(), questions)
    scored = sorted(questions, key=lambda q: ndcg(runs[q["id"]], q["relevant"], 10))
    for q in scored:
        print(
            f"{ndcg(runs[q['id']], q['relevant'], 10):.3f}  {q['id']}  {q['kind']:<12} "
            f"{q['question'][:60]!r}  top3={runs[q['id']][:3]}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save-runs", type=Path, help="write each set's run file here")
    parser.add_argument("--per-question", choices=TUNABLE, help="list one set's questions")
    args = parser.parse_args(argv)
    sets = {name: load(path) for name, path in SETS.items()}
    bench = Bench()
    if args.per_question:
        asyncio.run(per_question(bench, sets[args.per_question]))
        return 0
    sizes = ", ".join(f"{name} n={len(qs)}" for name, qs in sets.items())
    print(f"answerable questions: {sizes}; bundled corpus, k={K}", file=sys.stderr)
    runs = asyncio.run(table(bench, sets))
    if args.save_runs is not None:
        args.save_runs.mkdir(parents=True, exist_ok=True)
        for name, run in runs.items():
            (args.save_runs / f"{name}.json").write_text(json.dumps(run, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
