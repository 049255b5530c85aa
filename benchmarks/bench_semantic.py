"""The semantic layer's costs: /ask latency, ingest CPU, resident memory, cold start.

    uv run python benchmarks/bench_semantic.py [--asks 300] [--out benchmarks/results/FILE]

Everything runs on the bundled corpus, the semantic layer on and off side by side in one run
(the machines here are noisy: compare the two columns, quote medians and ratios):

- ask: `Library.ask` end to end (question parsing, weighting, BM25, the query's encoding, fusion,
  paragraph fetch, excerpts) for 100 questions (both development sets) cycled, k=10; p50/p99.
- ingest: CPU seconds (this process, one onnxruntime thread) to ingest a 100-paragraph report
  whose text the model has never seen (each bundled paragraph with its words' order changed).
- memory: resident set of a process that imported the bot (discord.py included), opened the
  library, answered 50 questions and ingested the 100-paragraph report (VmRSS, and its peak).
- cold start: wall time of `reportbot ask "oil revenue"` on an existing database, median of 5.

The last line is machine-readable:
`bench: ask_p50=…ms ask_p99=…ms off_p50=…ms ingest100_cpu=…s rss=…MiB peak_rss=…MiB cold_start=…s`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = (
    ROOT / "tests/retrieval/data/dev_questions.json",
    ROOT / "eval/own_questions.json",
)


def questions() -> list[str]:
    return [q["question"] for f in QUESTION_FILES for q in json.loads(f.read_text("utf-8"))]


def unseen_report() -> bytes:
    """100 paragraphs of report-like text the shipped vectors do not cover."""
    from corpus.files import bundled_reports

    rng = random.Random(20180131)
    paragraphs = [p.text for r in bundled_reports() for p in r.paragraphs][:100]
    lines = ["Report of the Secretary-General on a benchmark", "I. Introduction"]
    for number, text in enumerate(paragraphs, start=1):
        words = text.rstrip(".").split()
        rng.shuffle(words)
        lines.append(f"{number}. {' '.join(words)}.")
    return ("\n".join(lines) + "\n").encode()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def ask_latency(db: Path, semantic: bool, count: int) -> list[float]:
    from retrieval.library import Library

    asked = questions()
    async with await Library.open(db, bootstrap=False, semantic=semantic) as library:
        for question in asked[:10]:  # warm caches, as a running bot has them
            await library.ask(question, k=10)
        timings = []
        for i in range(count):
            started = time.perf_counter()
            await library.ask(asked[i % len(asked)], k=10)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def ingest_cpu(db: Path) -> float:
    from retrieval.library import Library

    data = unseen_report()
    async with await Library.open(db, bootstrap=False) as library:
        started = time.process_time()
        await library.ingest(data, source="bench.txt", symbol="S/2099/1")
        return time.process_time() - started


def memory_worker(db: str) -> None:
    """Run in a child: the bot's imports, the library, 50 asks, one ingest; print RSS."""
    import resource

    import bot.client  # noqa: F401  (discord.py and the bot's modules, as `reportbot run` has)
    from retrieval.library import Library

    async def work() -> None:
        async with await Library.open(Path(db), bootstrap=False) as library:
            for question in questions()[:50]:
                await library.ask(question, k=10)
            await library.ingest(unseen_report(), source="bench.txt", symbol="S/2099/2")

    asyncio.run(work())
    status = Path("/proc/self/status").read_text()
    rss = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rss_mib": rss / 1024, "peak_mib": peak / 1024}))


def cold_start(db: Path, semantic: bool) -> float:
    env = {**os.environ, "REPORTBOT_DB": str(db), "REPORTBOT_SEMANTIC": "on" if semantic else "off"}
    command = [sys.executable, "-m", "bot", "ask", "oil revenue"]
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=300)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        memory_worker(args.memory_worker)
        return 0
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "bundled.sqlite3"
        from retrieval.library import Library

        asyncio.run(_build(Library, template))
        copy = Path(scratch) / "ask.sqlite3"
        shutil.copyfile(template, copy)
        on = asyncio.run(ask_latency(copy, True, args.asks))
        off = asyncio.run(ask_latency(copy, False, args.asks))
        say(f"/ask, bundled corpus, k=10, {args.asks} questions each (ms):")
        say(f"  semantic on : p50 {percentile(on, 0.5):6.2f}  p99 {percentile(on, 0.99):6.2f}")
        say(f"  semantic off: p50 {percentile(off, 0.5):6.2f}  p99 {percentile(off, 0.99):6.2f}")
        ratio = percentile(on, 0.5) / percentile(off, 0.5)
        say(f"  on / off p50: {ratio:.2f}")
        ingest_db = Path(scratch) / "ingest.sqlite3"
        shutil.copyfile(template, ingest_db)
        cpu = asyncio.run(ingest_cpu(ingest_db))
        say(f"ingest of a 100-paragraph unseen report: {cpu:.2f} s CPU (one onnxruntime thread)")
        memory_db = Path(scratch) / "memory.sqlite3"
        shutil.copyfile(template, memory_db)
        child = subprocess.run(
            [sys.executable, __file__, "--memory-worker", str(memory_db)],
            check=True,
            capture_output=True,
            text=True,
        )
        memory = json.loads(child.stdout.strip().splitlines()[-1])
        say(
            f"bot process with the model (50 asks + 1 ingest): RSS {memory['rss_mib']:.0f} MiB, "
            f"peak {memory['peak_mib']:.0f} MiB"
        )
        cold_on, cold_off = cold_start(template, True), cold_start(template, False)
        say(
            f"cold start of `reportbot ask` (median of 5): on {cold_on:.2f} s, off {cold_off:.2f} s"
        )
        say(
            f"bench: ask_p50={percentile(on, 0.5):.2f}ms ask_p99={percentile(on, 0.99):.2f}ms "
            f"off_p50={percentile(off, 0.5):.2f}ms ingest100_cpu={cpu:.2f}s "
            f"rss={memory['rss_mib']:.0f}MiB peak_rss={memory['peak_mib']:.0f}MiB "
            f"cold_start={cold_on:.2f}s"
        )
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", "utf-8")
    return 0


async def _build(library_class, path: Path) -> None:  # type: ignore[no-untyped-def]
    async with await library_class.open(path):
        pass


if __name__ == "__main__":
    sys.exit(main())
