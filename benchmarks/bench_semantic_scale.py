"""What the semantic layer costs a question as the library grows: 10k, 100k, 1M paragraphs.

    uv run python benchmarks/bench_semantic_scale.py [--sizes 10000 100000 1000000] [--out FILE]

bench_semantic.py measures the layer on the bundled corpus (177 paragraphs), where its budget
is set. This one measures how its part of an answer grows with the library: the cost does not
depend on what the vectors say, so random unit vectors stand in for a million encoded paragraphs
(encoding them would take about 11 hours of CPU). Per size, in one process:

- the memory of the layer: the float32 matrix `SemanticLayer.align` lays out from the stored
  int8 vectors (resident set before and after, in MiB), and the time to lay it out (at open);
- per question, the layer's own work in `search._fused`: the question's similarities to every
  paragraph, feedback in vector space (a second pass), the 50 closest, and the fusion with a
  50-long BM25 list; p50/p99 over the questions, in ms. The question's encoding (about 5 ms,
  independent of size: bench_semantic.py) and BM25 (bench_ask.py) are not included.

The last line is machine-readable: `bench: semantic_ms_p50 at each size, matrix_mib at each size`.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.semantic import SemanticLayer, dense_top, fuse, with_feedback  # noqa: E402
from retrieval.vectors import ReportVectors  # noqa: E402

DIMS = 384
REPORT_SIZE = 100  # paragraphs a report
QUESTIONS = 60
POOL = 50  # candidates from each side, as search._fused takes them


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, DIMS), dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def stored_vectors(rng: np.random.Generator, n: int) -> dict[str, ReportVectors]:
    """n paragraphs as reports of REPORT_SIZE, quantised as ingest stores them."""
    out: dict[str, ReportVectors] = {}
    for r in range(0, n, REPORT_SIZE):
        numbers = range(1, min(REPORT_SIZE, n - r) + 1)
        symbol = f"S/{2000 + r // 100_000}/{r}"
        out[symbol] = ReportVectors.quantise("m", numbers, unit_rows(rng, len(numbers)))
    return out


def measure(n: int, seed: int = 7) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    vectors = stored_vectors(rng, n)
    layout = [(s, v.numbers) for s, v in vectors.items()]
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    layer = SemanticLayer.align(layout, vectors, lambda _q: np.zeros(DIMS, np.float32), "m")
    align_s = time.perf_counter() - started
    matrix_mib = rss_mib() - before
    del vectors
    questions = unit_rows(rng, QUESTIONS)
    lexical_docs = rng.choice(n, size=(QUESTIONS, POOL), replace=n < QUESTIONS * POOL)
    times = []
    for _ in range(2):  # two passes: the first warms the caches of a fresh matrix
        times = []
        for q, docs in zip(questions, lexical_docs, strict=True):
            lexical = [(int(d), float(POOL - i)) for i, d in enumerate(docs)]
            started = time.perf_counter()
            similarity = layer.similarities(q)
            ranking = with_feedback(layer, q, similarity, None)
            dense = dense_top(ranking, POOL, None)
            fuse(lexical, ranking, dense)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        "matrix_mib": matrix_mib,
        "align_s": align_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    lines = [
        "# the semantic layer's part of an answer by library size (random unit vectors)",
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, numpy {np.__version__}",
        "| paragraphs | per question p50 ms | p99 ms | matrix MiB | laid out at open, s |",
        "|---|---|---|---|---|",
    ]
    results = {}
    for n in args.sizes:
        r = results[n] = measure(n)
        lines.append(
            f"| {n:,} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['matrix_mib']:.0f} "
            f"| {r['align_s']:.2f} |"
        )
        print(lines[-1], flush=True)
    lines.append(
        "bench: "
        + " ".join(f"semantic_p50_{n}={r['p50_ms']:.2f}ms" for n, r in results.items())
        + " "
        + " ".join(f"matrix_{n}={r['matrix_mib']:.0f}MiB" for n, r in results.items())
    )
    text = "\n".join(lines) + "\n"
    print(lines[-1])
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
