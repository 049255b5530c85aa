"""Benchmark retrieval.index against rank_bm25.BM25Okapi and tantivy on synthetic corpora.

    uv run --group bench python benchmarks/bench_index.py            # 10k, 100k, 1M
    uv run --group bench python benchmarks/bench_index.py --quick    # 10k only

Each engine and phase runs in its own fresh process (build, cold start, serve), so peak RSS
and cold start are per engine. The last line is the summary the issue asks for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import engines  # noqa: E402
import synth  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
RANK_BM25_MAX = 100_000  # above this rank_bm25 is extrapolated linearly
QUERIES = 220
COLD_RUNS = 3


def run_worker(phase: str, engine: str, n: int, work: Path) -> dict:
    """Run one phase in a fresh interpreter; return its JSON and the wall time it took."""
    cmd = [sys.executable, str(HERE / "bench_index.py"), "--worker", phase, "--engine", engine,
           "--n", str(n), "--work", str(work)]  # fmt: skip
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - t0
    return result


def worker(phase: str, engine: str, n: int, work: Path) -> dict:
    _name, _tokenize = synth.load_tokenizer()
    corpus = work / "corpus.tsv"
    queries = json.loads((work / "queries.json").read_text())
    prefix = {"ours": "ours", "tantivy": "tantivy", "rank_bm25": "rank"}[engine]
    fn = getattr(engines, f"{prefix}_{phase}")
    if phase == "build":
        return fn(corpus, n, work)
    if phase == "cold":
        return fn(work, n, queries[0])
    return fn(work, n, queries)


def same_top(ours: list, ref: list, rel: float = 1e-6) -> bool:
    """Same docs in the same order, except within exact ties; scores equal within `rel`."""
    if len(ours) != len(ref):
        return False
    for (d1, s1), (d2, s2) in zip(ours, ref, strict=True):
        if abs(s1 - s2) > rel * max(abs(s2), 1e-12):
            return False
        if d1 != d2 and not any(abs(s - s1) <= 1e-12 * s1 for d, s in ref if d == d1):
            return False
    return True


def measure(n: int, work: Path) -> dict[str, dict]:
    rows = {}
    engines_here = ["ours", "tantivy"] + (["rank_bm25"] if n <= RANK_BM25_MAX else [])
    for engine in engines_here:
        build = run_worker("build", engine, n, work)
        colds = sorted(run_worker("cold", engine, n, work)["wall_s"] for _ in range(COLD_RUNS))
        serve = run_worker("serve", engine, n, work)
        rows[engine] = {**build, **serve, "cold_start_s": colds[len(colds) // 2]}
        print(f"  N={n} {engine}: " + json.dumps({k: v for k, v in rows[engine].items()
                                                   if k != "tops"}), flush=True)  # fmt: skip
    if "rank_bm25" in rows:
        pairs = zip(rows["ours"]["tops"], rows["rank_bm25"]["tops"], strict=True)
        agree = sum(same_top(a, b) for a, b in pairs)
        rows["ours"]["top10_agree"] = f"{agree}/{len(rows['ours']['tops'])}"
    return rows


def extrapolate(rank_100k: dict, n: int) -> dict:
    scale = n / RANK_BM25_MAX
    keys = ("build_s", "disk_mib", "cold_start_s", "p50_ms", "p99_ms", "peak_rss_mib")
    return {**{k: rank_100k[k] * scale for k in keys}, "extrapolated": True}


def render(results: dict[int, dict[str, dict]]) -> str:
    head = ("| N | engine | build s | disk MiB | cold start s | p50 ms | p99 ms | peak RSS MiB |"
            " top-10 = rank_bm25 |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    lines = [head]
    for n, rows in results.items():
        for engine, r in rows.items():
            mark = " (extrapolated)" if r.get("extrapolated") else ""
            lines.append(
                f"| {n:,} | {engine}{mark} | {r['build_s']:.1f} | {r['disk_mib']:.1f} | "
                f"{r['cold_start_s']:.2f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | "
                f"{r['peak_rss_mib']:.0f} | {r.get('top10_agree', '')} |"
            )
    return "\n".join(lines)


def _ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def _versions() -> str:
    found = []
    for name in ("numpy", "rank-bm25", "tantivy"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k paragraphs only (smoke run)")
    parser.add_argument("--sizes", type=int, nargs="*", help="override the corpus sizes")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportbot-bench"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.engine, args.n, args.work)))
        return
    sizes = args.sizes or ((SIZES[0],) if args.quick else SIZES)
    args.work.mkdir(parents=True, exist_ok=True)
    name, tokenize = synth.load_tokenizer()
    t0 = time.perf_counter()
    synth.write_corpus(args.work / "corpus.tsv", max(sizes), tokenize)
    queries = synth.make_queries(QUERIES, tokenize)
    (args.work / "queries.json").write_text(json.dumps(queries))
    print(f"# index benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {os.cpu_count()} cores, {_ram_gib():.0f} GiB RAM, {platform.machine()}, "
          f"Python {platform.python_version()}, {platform.platform()}")  # fmt: skip
    print(f"versions: {_versions()}; load average at start {os.getloadavg()[0]:.1f} "
          "(the machine is shared: other jobs add noise)")  # fmt: skip
    print(f"tokenizer: {name}; {len(queries)} queries; corpus generated in "
          f"{time.perf_counter() - t0:.0f} s (seed {synth.SEED})")  # fmt: skip
    results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        results[n] = measure(n, args.work)
    big = max(sizes)
    rank_n = max((n for n in sizes if n <= RANK_BM25_MAX), default=None)
    if big > RANK_BM25_MAX and rank_n == RANK_BM25_MAX:
        results[big]["rank_bm25"] = extrapolate(results[rank_n]["rank_bm25"], big)
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    print(render(results))
    ours, tan = results[big]["ours"], results[big]["tantivy"]
    speedup = (
        results[rank_n]["rank_bm25"]["p50_ms"] / results[rank_n]["ours"]["p50_ms"] if rank_n else 0
    )
    print(
        f"bench: N={big} p50={ours['p50_ms']:.3f}ms p99={ours['p99_ms']:.3f}ms "
        f"tantivy_p50={tan['p50_ms']:.3f}ms ratio={ours['p50_ms'] / tan['p50_ms']:.2f} "
        f"rank_bm25_speedup_100k={speedup:.0f}x cold_start={ours['cold_start_s']:.2f}s "
        f"peak_rss={ours['peak_rss_mib']:.0f}MiB"
    )


if __name__ == "__main__":
    main()
