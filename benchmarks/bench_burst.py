"""1,000 concurrent /ask in one process, on the real event loop: when is each acknowledged?

    uv run python benchmarks/bench_burst.py                 # 1,000 asks, line vs unbounded
    uv run python benchmarks/bench_burst.py --n 200 --modes line

The Ask cog runs as in the bot (cooldowns, the answer line, the defer deadline, rendering, the
view), on a real Library over the bundled reports; only Discord is replaced, by interactions
that record the wall time of their first response (the acknowledgement: an answer or a
"thinking…" defer) and of the answer. A ticker measures how late the event loop runs. Each mode
runs once idle and once with a report being replaced (ingested) during the burst.

Modes: `line` is what ships (AnswerLine: 4 answers at work, the rest acknowledged and waiting);
`unbounded` lets every answer start at once (a line with 1,000,000 slots), as before.
The last line is machine-readable: `burst: n=… ack_p50=…ms ack_p99=…ms ack_max=…ms …`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from bot.cogs._shared import AnswerLine  # noqa: E402
from bot.cogs.ask import Ask  # noqa: E402
from bot.settings import Settings  # noqa: E402
from corpus.files import bundled_texts  # noqa: E402
from retrieval.library import Library  # noqa: E402

DEV_QUESTIONS = HERE.parent.parent / "shared" / "eval" / "dev_questions.json"
FALLBACK_QUESTIONS = ["oil revenue", "foreign terrorist fighters", "antiquities", "Marawi"]


class Probe:
    """Just enough of discord.Interaction for Ask.respond; records when it was answered."""

    def __init__(self, user_id: int, client: object) -> None:
        self.created = time.perf_counter()
        self.user = SimpleNamespace(id=user_id)
        self.created_at = dt.datetime.now(dt.UTC)
        self.client = client
        self.command = None
        self.extras: dict[str, Any] = {}
        self.ack_s: float | None = None
        self.answer_s: float | None = None
        self.deferred = False
        self.response = SimpleNamespace(
            defer=self._defer, send_message=self._send, is_done=lambda: self.ack_s is not None
        )
        self.followup = SimpleNamespace(send=self._followup)

    def _now(self) -> float:
        return time.perf_counter() - self.created

    async def _defer(self, **_: object) -> None:
        self.ack_s, self.deferred = self._now(), True

    async def _send(self, *_: object, **__: object) -> None:
        self.ack_s = self.answer_s = self._now()

    async def _followup(self, *_: object, **__: object) -> None:
        self.answer_s = self._now()

    async def delete_original_response(self) -> None:
        return None


async def ticker(stop: asyncio.Event, lateness: list[float], period_s: float = 0.005) -> None:
    """How late the loop wakes a coroutine that asked to sleep `period_s`."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(period_s)
        lateness.append(time.perf_counter() - before - period_s)


def questions() -> list[str]:
    if DEV_QUESTIONS.is_file():
        return [q["question"] for q in json.loads(DEV_QUESTIONS.read_text())]
    return FALLBACK_QUESTIONS


async def burst(db: Path, n: int, mode: str, with_ingest: bool) -> dict[str, Any]:
    library = await Library.open(db, bootstrap=False)
    try:
        bot = SimpleNamespace(settings=Settings(db_path=db), library=library)
        cog = Ask(bot)  # type: ignore[arg-type]
        if mode == "unbounded":
            cog.line = AnswerLine(slots=1_000_000)
        asked = questions()
        entry, data = bundled_texts()[0]
        edited = data + b"\n"  # a different text: a real replacement
        lateness: list[float] = []
        stop = asyncio.Event()
        tick = asyncio.create_task(ticker(stop, lateness))
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        probes = [Probe(user, bot) for user in range(n)]
        jobs = [cog.respond(p, asked[i % len(asked)], None, 3) for i, p in enumerate(probes)]  # type: ignore[arg-type]
        if with_ingest:
            jobs.append(library.ingest(edited, source=entry.file))
        results = await asyncio.gather(*jobs, return_exceptions=True)
        wall_s = time.perf_counter() - started
        stop.set()
        await tick
    finally:
        await library.close()
    errors = [r for r in results if isinstance(r, BaseException)]
    acks = sorted(p.ack_s for p in probes if p.ack_s is not None)
    answers = sorted(p.answer_s for p in probes if p.answer_s is not None)
    return {
        "mode": mode,
        "ingest": with_ingest,
        "n": n,
        "acknowledged": len(acks),
        "within_1s": sum(a <= 1.0 for a in acks),
        "deferred": sum(p.deferred for p in probes),
        "ack_p50_ms": 1000 * statistics.median(acks),
        "ack_p99_ms": 1000 * acks[int(0.99 * (len(acks) - 1))],
        "ack_max_ms": 1000 * acks[-1],
        "answered": len(answers),
        "answer_p50_s": statistics.median(answers),
        "answer_max_s": answers[-1],
        "loop_late_p99_ms": 1000 * sorted(lateness)[int(0.99 * (len(lateness) - 1))],
        "loop_late_max_ms": 1000 * max(lateness),
        "errors": [repr(e) for e in errors[:3]],
        "error_count": len(errors),
        "wall_s": wall_s,
    }


async def build_db(work: Path) -> Path:
    db = work / "burst.sqlite3"
    if not db.exists():
        library = await Library.open(db)
        await library.close()
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--modes", nargs="+", default=["line", "unbounded"])
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    lines = [f"# burst benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, n={args.n}"]
    summary: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        template = asyncio.run(build_db(Path(tmp)))
        for mode in args.modes:
            for with_ingest in (False, True):
                db = Path(tmp) / f"{mode}-{with_ingest}.sqlite3"
                shutil.copyfile(template, db)
                result = asyncio.run(burst(db, args.n, mode, with_ingest))
                lines.append(json.dumps(result))
                print(lines[-1], flush=True)
                if mode == "line" and (summary is None or with_ingest):
                    summary = result
    if summary is not None:
        lines.append(
            f"burst: n={summary['n']} ingest={summary['ingest']} "
            f"ack_p50={summary['ack_p50_ms']:.0f}ms ack_p99={summary['ack_p99_ms']:.0f}ms "
            f"ack_max={summary['ack_max_ms']:.0f}ms within_1s={summary['within_1s']}/{args.n} "
            f"answer_p50={summary['answer_p50_s']:.2f}s answer_max={summary['answer_max_s']:.2f}s "
            f"loop_late_max={summary['loop_late_max_ms']:.0f}ms errors={summary['error_count']}"
        )
        print(lines[-1])
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
