"""Does faulting the mapped index in behind the open (Library.open(warm_index=True), as the bot
opens it) make a question's first ask faster? Two libraries on one database in one process,
one warm and one not, each question asked by both, tantivy's two searches before every ask as
bench_ask.py interleaves them. Reported: the median per-question difference warm - cold on the
first pass (the pages not yet mapped in the cold library) and on the second (all mapped).

The library that asks a question second finds its paragraphs' words already placed (the
excerpt caches are the process's), so which one goes first alternates by question, and a run
with `--flip` swaps the halves: the mean of the two runs' first-pass medians is the effect.

    uv run --group bench python benchmarks/warm_index_ab.py DB   # built by bench_ask.py
    uv run --group bench python benchmarks/warm_index_ab.py DB --flip
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from ask_phases import WARMUP, tantivy_search  # noqa: E402

from bot.replies import render_answer  # noqa: E402
from retrieval.library import Library  # noqa: E402


async def measure(db: Path, flip: bool) -> None:
    tokens = json.loads((db.parent / "queries.json").read_text())
    questions = [" ".join(t) for t in tokens]
    other = tantivy_search(db)
    libraries = {
        "cold": await Library.open(db, bootstrap=False, semantic=False),
        "warm": await Library.open(db, bootstrap=False, semantic=False, warm_index=True),
    }
    await asyncio.sleep(0.5)  # the warm one's fault-in thread (~60 ms at 1M) is done
    took: dict[tuple[int, int, str], float] = {}
    try:
        for question in questions[:WARMUP]:
            for library in libraries.values():
                await library.ask(question, k=10)
        for rep in range(2):
            for i, (question, words) in enumerate(zip(questions, tokens, strict=True)):
                if i < WARMUP:
                    continue
                order = ["cold", "warm"] if (i % 2 == 1) != flip else ["warm", "cold"]
                for name in order:
                    other(words)
                    t0 = time.perf_counter()
                    answer = await libraries[name].ask(question, k=10)
                    render_answer(answer, link_base_url="https://undocs.org/en/")
                    took[rep, i, name] = (time.perf_counter() - t0) * 1000
    finally:
        for library in libraries.values():
            await library.close()
    for rep, label in enumerate(("first pass", "second pass")):
        diffs = [took[rep, i, "warm"] - took[rep, i, "cold"] for i in range(WARMUP, len(questions))]
        print(f"{label}: warm - cold, median per question {statistics.median(diffs):+.3f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--flip", action="store_true", help="the other library first")
    args = parser.parse_args()
    asyncio.run(measure(args.db, args.flip))
