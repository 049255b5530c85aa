"""Benchmark the tokenizer and the indexing of a report, the old tokenizer beside the new.

    uv run python benchmarks/bench_tokenize.py
    uv run python benchmarks/bench_tokenize.py --synthetic 5000 --repeats 3   # quicker
    uv run python benchmarks/bench_tokenize.py --out benchmarks/results/DATE-tokenize.txt

"old" is tests/retrieval/reference_tokenize.py (the tokenizer before the unit cache, frozen);
"new" is retrieval/tokenize.py. Both run in this process, one after the other in every repeat,
so machine load hits both alike; each figure is the median over the repeats of CPU time
(process_time) per paragraph, and ratio = old / new.

- real, cold: the bundled reports' paragraphs with every cache emptied first (a fresh process
  indexing a report it has never seen);
- real, warm: the same paragraphs again (what a long-running bot pays for a question, and what
  an ingest pays once the common words are cached);
- spans, warm: tokenize_spans of the same paragraphs (the excerpt path, offsets kept);
- synthetic stream: benchmarks/synth.py's paragraphs (Heaps'-law vocabulary, as bench_ask.py
  builds at 1M), caches emptied once at the start, then every paragraph once: a big ingest;
- index a report: retrieval.search.build_segment (tokenise text, footnotes and heading, learn
  aliases and names, pack the segment) on 500-paragraph synthetic reports, per paragraph, with
  the old tokenizer's terms packed (segment.build_segment) and with the new path (each unit of
  text straight to its term ids, segment.build_text_segment); the rest of search.py is this
  branch's in both, e.g. boilerplate footnotes found once per report: the old figure is a
  lower bound.
  One process, one core.

The last line is machine-readable:
`bench: tokenize_real_warm_ratio=… tokenize_synth_ratio=… build_ratio=… build_new_us=…`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import synth  # noqa: E402

import retrieval.search as search  # noqa: E402
import retrieval.segment as segment  # noqa: E402
import retrieval.tokenize as new  # noqa: E402
from corpus.files import bundled_reports  # noqa: E402
from corpus.model import Paragraph, Report, ReportMeta  # noqa: E402
from tests.retrieval import reference_tokenize as old  # noqa: E402

IMPLS = {"old": old, "new": new}
NEW_TEXT_SEGMENT = segment.build_text_segment


def empty_caches() -> None:
    """Forget every cached word and unit, in both tokenizers (and the unit map that indexing
    uses instead of the new tokenizer's unit cache)."""
    old._word_pieces.cache_clear()
    new._word_pieces.cache_clear()
    segment._UNITS = segment._UnitMap()
    new._UNIT_TERMS.clear()
    new._UNIT_SPANS.clear()


def per_paragraph_us(fn: Callable[[str], object], texts: Sequence[str]) -> float:
    t0 = time.process_time()
    for text in texts:
        fn(text)
    return (time.process_time() - t0) / len(texts) * 1e6


def _old_text_segment(
    report: str, numbers: Sequence[int], texts: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
    """segment.build_text_segment the old way: the old tokenizer's terms, then their ids."""
    terms = [[term for text in doc for term in old.tokenize(text)] for doc in texts]
    return segment.build_segment(report, numbers, terms, extras)


def build_us(reports: Sequence[Report], impl: str) -> float:
    """CPU per paragraph of search.build_segment with one tokenizer or the other: the new one
    maps the texts' units straight to term ids (segment.build_text_segment)."""
    if impl == "old":  # search.py calls segment.build_text_segment by this name
        segment.build_text_segment = _old_text_segment
    try:
        t0 = time.process_time()
        for report in reports:
            search.build_segment(report)
        return (time.process_time() - t0) / sum(len(r.paragraphs) for r in reports) * 1e6
    finally:
        segment.build_text_segment = NEW_TEXT_SEGMENT


def synthetic_reports(n: int) -> list[Report]:
    reports: dict[str, list[Paragraph]] = {}
    for symbol, number, tokens in synth.generate(n, new.tokenize):
        reports.setdefault(symbol, []).append(Paragraph(symbol, number, " ".join(tokens)))
    meta = {s: ReportMeta(s, f"Synthetic report {s}", dt.date(2018, 1, 31)) for s in reports}
    return [Report(meta[s], tuple(ps)) for s, ps in reports.items()]


def measure(args: argparse.Namespace) -> dict[str, dict[str, list[float]]]:
    real = [p.text for r in bundled_reports() for p in r.paragraphs]
    reports = synthetic_reports(args.synthetic)
    stream = [p.text for r in reports for p in r.paragraphs]
    samples: dict[str, dict[str, list[float]]] = {}

    def add(case: str, impl: str, us: float) -> None:
        samples.setdefault(case, {}).setdefault(impl, []).append(us)

    for _ in range(args.repeats):
        for name, impl in IMPLS.items():
            empty_caches()
            add("real, cold", name, per_paragraph_us(impl.tokenize, real))
            add("real, warm", name, statistics.median(
                per_paragraph_us(impl.tokenize, real) for _ in range(5)))  # fmt: skip
            add("spans, warm", name, statistics.median(
                per_paragraph_us(impl.tokenize_spans, real) for _ in range(5)))  # fmt: skip
            empty_caches()
            add("synthetic stream", name, per_paragraph_us(impl.tokenize, stream))
            empty_caches()
            add("index a report", name, build_us(reports, name))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=20_000, help="synthetic paragraphs")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    samples = measure(args)
    lines = [
        f"# tokenizer benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f} (shared machine); {args.repeats} repeats, "
        f"{args.synthetic:,} synthetic paragraphs; CPU µs per paragraph, median",
        "| case | old µs | new µs | ratio old/new |",
        "|---|---|---|---|",
    ]
    ratios = {}
    for case, by_impl in samples.items():
        o, n = statistics.median(by_impl["old"]), statistics.median(by_impl["new"])
        ratios[case] = o / n
        lines.append(f"| {case} | {o:.1f} | {n:.1f} | {o / n:.1f}x |")
    build_new = statistics.median(samples["index a report"]["new"])
    lines.append(
        f"bench: tokenize_real_warm_ratio={ratios['real, warm']:.1f} "
        f"tokenize_synth_ratio={ratios['synthetic stream']:.1f} "
        f"build_ratio={ratios['index a report']:.1f} build_new_us={build_new:.0f}"
    )
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
