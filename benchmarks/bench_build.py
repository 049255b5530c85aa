"""Benchmark building the whole index, an old tree of the code beside this one.

    git -C /work/main archive 6ce673e | tar -x -C /tmp/build6-old
    uv run --group bench python benchmarks/bench_build.py --old /tmp/build6-old --sizes 100000
    git -C . archive HEAD | tar -x -C /tmp/build6-new   # optional: measure a fixed commit
    nice uv run --group bench python benchmarks/bench_build.py --old /tmp/build6-old \\
        --new /tmp/build6-new --sizes 1000000 --work /tmp/bench-build6 \\
        --out benchmarks/results/DATE-build.txt

The build phase is bench_ask.py's: each synthetic report (benchmarks/synth.py, seed 20180131,
paragraph text = its space-joined tokens) is indexed the way the app does it
(`search.build_segment(Report)`: tokenise, learn aliases and names, pack the segment), its rows
are written (`Store.put_report`), then the index is merged (`Searcher.rebuild`), its blobs made
(`base_blobs`, or `to_blobs` in a tree before the tiered index) and written to SQLite and to the
memory-mapped index file. Each build runs in its own process (`--worker`), importing
`retrieval` from the tree it measures; old and new alternate (old, new, old, new, ...), so
machine load hits both alike. The figure is CPU time (process_time, all threads) per paragraph,
median over the repeats; ratio = old / new. Each build's peak RSS (ru_maxrss, the whole worker
process: the corpus read, the caches, the index) is reported beside it.

The last line is machine-readable: `bench: N=… old_us=… new_us=… ratio=…` (the largest size).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_worker(tree: Path, n: int, work: Path, corpus: Path) -> dict:
    """One build in a fresh process that imports `retrieval` from `tree`."""
    cmd = [sys.executable, str(HERE / "bench_build.py"), "--worker", str(tree), "--n", str(n),
           "--work", str(work), "--corpus", str(corpus)]  # fmt: skip
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=tree)
    if done.returncode:
        raise SystemExit(f"build in {tree} at {n} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def _build(corpus: Path, n: int, db: Path) -> dict:
    """bench_ask.py's build phase, with the imports of whichever tree is first on sys.path."""
    import synth

    import retrieval
    from corpus.model import Paragraph, Report, ReportMeta
    from retrieval import library
    from retrieval.index_file import write_index_file
    from retrieval.search import Searcher, build_segment
    from retrieval.store import Store

    t0, cpu0 = time.perf_counter(), time.process_time()
    store = await Store.open(db)
    segments: dict[str, bytes] = {}
    metas: dict[str, ReportMeta] = {}
    try:
        async with store.transaction():
            read = 0
            for symbol, numbers, docs in synth.read_reports(corpus, n):
                read += len(numbers)
                meta = ReportMeta(symbol, f"Synthetic report {symbol}", dt.date(2018, 1, 31))
                paragraphs = [
                    Paragraph(symbol, num, " ".join(doc))
                    for num, doc in zip(numbers, docs, strict=True)
                ]
                segments[symbol] = build_segment(Report(meta, tuple(paragraphs)))
                metas[symbol] = meta
                await store.put_report(
                    meta, paragraphs, source="synth", content_hash=symbol, segment=segments[symbol]
                )
            cpu_rows = time.process_time() - cpu0
            if read != n:
                raise SystemExit(f"{corpus} holds {read} paragraphs, not {n}")
            searcher = Searcher.rebuild(segments, metas)
            if hasattr(library, "base_blobs"):  # the tiered index stores a base
                blobs = library.base_blobs(searcher, segments, {s: s for s in segments})
            else:
                blobs = searcher.to_blobs()
            state = await store.put_blobs(blobs)
            assert state.index_id is not None
            write_index_file(db, state.index_id, blobs)
    finally:
        await store.close()
    cpu = time.process_time() - cpu0
    return {
        "cpu_us": cpu / n * 1e6,
        "segments_rows_cpu_us": cpu_rows / n * 1e6,
        "merge_cpu_us": (cpu - cpu_rows) / n * 1e6,
        "wall_s": time.perf_counter() - t0,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tree": str(Path(retrieval.__file__).parent.parent),
    }


def _remove(work: Path, pattern: str) -> None:
    for path in work.glob(pattern):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def worker(tree: Path, n: int, work: Path, corpus: Path) -> None:
    sys.path[:0] = [str(tree), str(HERE)]  # the measured tree's retrieval; this synth.py
    _remove(work, f"build-{os.getpid()}*")
    result = asyncio.run(_build(corpus, n, work / f"build-{os.getpid()}.sqlite3"))
    _remove(work, f"build-{os.getpid()}*")
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, help="an unpacked older tree (git archive)")
    parser.add_argument("--new", type=Path, default=ROOT, help="the tree to compare (this one)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-build6"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker.resolve(), args.n, args.work, args.corpus)
        return
    if args.old is None:
        parser.error("--old is required")
    sys.path[:0] = [str(HERE), str(ROOT)]
    import synth

    args.work.mkdir(parents=True, exist_ok=True)
    corpus, stamp = args.work / "corpus.tsv", args.work / "corpus.size"
    largest = max(args.sizes)
    if not stamp.exists() or int(stamp.read_text() or 0) < largest:
        stamp.unlink(missing_ok=True)
        synth.write_corpus(corpus, largest, synth.load_tokenizer()[1])
        stamp.write_text(str(largest))
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    lines = [
        f"# bench_build.py, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        f"# old = {trees['old']}, new = {trees['new']}; CPU us per paragraph, medians of "
        f"{args.repeats}",
    ]
    print("\n".join(lines), flush=True)
    summary = ""
    for n in args.sizes:
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for _ in range(args.repeats):
            for name, tree in trees.items():
                result = run_worker(tree, n, args.work, corpus)
                runs[name].append(result)
                line = f"{name:3} N={n}: {json.dumps(result)}"
                lines.append(line)
                print(line, flush=True)
                if args.out:  # as it goes: a 1M run takes most of an hour
                    args.out.write_text("\n".join(lines) + "\n")
        med = {
            name: {k: statistics.median(r[k] for r in rs) for k in rs[0] if k != "tree"}
            for name, rs in runs.items()
        }
        ratio = med["old"]["cpu_us"] / med["new"]["cpu_us"]
        old, new = med["old"], med["new"]
        line = (
            f"N={n}: old {old['cpu_us']:.0f} us/para (segments and rows"
            f" {old['segments_rows_cpu_us']:.0f}, merge {old['merge_cpu_us']:.0f}), new"
            f" {new['cpu_us']:.0f} us/para (segments and rows {new['segments_rows_cpu_us']:.0f},"
            f" merge {new['merge_cpu_us']:.0f}), ratio {ratio:.2f};"
            f" wall old {old['wall_s']:.1f} s, new {new['wall_s']:.1f} s;"
            f" peak RSS old {old['peak_rss_mib']:.0f} MiB, new {new['peak_rss_mib']:.0f} MiB"
        )
        lines.append(line)
        print(line, flush=True)
        summary = (
            f"bench: N={n} old_us={med['old']['cpu_us']:.1f} new_us={med['new']['cpu_us']:.1f}"
            f" ratio={ratio:.2f}"
        )
    lines.append(summary)
    print(summary)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
