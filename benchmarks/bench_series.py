"""Benchmark /timeline and /trend: the bundled corpus, then a synthetic series of 100k paragraphs.

    uv run python benchmarks/bench_series.py                 # bundled + 100k (~3-6 min)
    uv run python benchmarks/bench_series.py --sizes 0       # bundled corpus only (~20 s)

What is timed is what the bot does between receiving the command and sending the reply:
- timeline: bot.series_commands.timeline_page, what the cog runs: Library.timeline (every
  paragraph scored once, each report's answer chosen, the first page's quotes read and
  excerpted) and render_timeline (the first page, 10 reports);
- trend: Library.trend (exact counts) plus render_trend, and the chart (draw_trend, PNG bytes)
  reported on its own and together, i.e. bot.series_commands.trend_answer.
- whatsnew: one /whatsnew of the newest report, for information (it has no target).
Each query runs once as warm-up, then REPEATS timed passes; p50/p90 over all samples. The
first /trend after start tokenises every report once (cached until the next ingest or
removal); that cold cost is reported separately.

The 100k series: 200 reports of 500 paragraphs, each paragraph 2-7 sentences drawn (seeded) from
the bundled reports, dated a month apart, written with the app's own Store and index code in
one transaction (as the first-run bootstrap does). Scratch files go to --work.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from bot.charts import draw_trend  # noqa: E402
from bot.series_commands import timeline_page  # noqa: E402
from bot.series_replies import render_trend  # noqa: E402
from corpus.model import Paragraph, Report, ReportMeta  # noqa: E402
from retrieval.excerpt import split_sentences  # noqa: E402
from retrieval.library import Library  # noqa: E402
from retrieval.search import build_segment  # noqa: E402

BASE = "https://undocs.org/en/"
REPEATS = 3
PARAGRAPHS_PER_REPORT = 500
SEED = 20180131

QUESTIONS = [
    "oil revenue",
    "foreign terrorist fighters returning home",
    "drones",
    "kidnapping for ransom",
    "antiquities trafficking",
    "radicalisation in prisons",
    "Marawi",
    "Libya affiliates",
    "online propaganda",
    "financial intelligence units",
    "border security and passenger data",
    "women and children returnees",
    "Afghanistan Khorasan",
    "sanctions list",
    "South-East Asia",
    "hawala cash couriers",
    "Yemen",
    "critical infrastructure protection",
    "capacity-building assistance",
    "Security Council resolution 2396",
]
TERM_SETS = [
    ["ISIL"],
    ["drones"],
    ["ISIL", "Al-Qaida"],
    ["oil revenue", "extortion"],
    ["foreign terrorist fighters", "returnees", "women"],
    ["Libya", "Yemen", "Somalia", "Afghanistan"],
    ["propaganda", "internet", "social media", "encryption", "online"],
    ["sanctions"],
    ["kidnapping", "ransom"],
    ["Marawi", "Philippines", "Indonesia"],
]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(library: Library) -> dict[str, float]:
    """Warm-up pass, then REPEATS timed passes of every query; milliseconds."""
    timeline, counts, charts, trend_total = [], [], [], []
    for question in QUESTIONS:  # warm-up (and the first trend fills the tokenised cache)
        await library.timeline(question)
    cold = time.perf_counter()
    await library.trend(TERM_SETS[0])
    cold_trend_s = time.perf_counter() - cold
    for terms in TERM_SETS:
        draw_trend(await library.trend(terms))
    for _ in range(REPEATS):
        for question in QUESTIONS:
            t0 = time.perf_counter()
            await timeline_page(library, question, link_base_url=BASE, per_page=10)
            timeline.append((time.perf_counter() - t0) * 1000)
        for terms in TERM_SETS:
            t0 = time.perf_counter()
            trend = await library.trend(terms)
            render_trend(trend)
            t1 = time.perf_counter()
            draw_trend(trend)
            t2 = time.perf_counter()
            counts.append((t1 - t0) * 1000)
            charts.append((t2 - t1) * 1000)
            trend_total.append((t2 - t0) * 1000)
    t0 = time.perf_counter()
    await library.whatsnew("latest")
    whatsnew_s = time.perf_counter() - t0
    return {
        "whatsnew_s": whatsnew_s,
        "timeline_p50": statistics.median(timeline),
        "timeline_p90": percentile(timeline, 0.9),
        "trend_counts_p50": statistics.median(counts),
        "trend_chart_p50": statistics.median(charts),
        "trend_total_p50": statistics.median(trend_total),
        "trend_total_p90": percentile(trend_total, 0.9),
        "trend_cold_s": cold_trend_s,
    }


async def bundled(work: Path) -> tuple[dict[str, float], int]:
    path = work / "bundled.sqlite3"
    path.unlink(missing_ok=True)
    async with await Library.open(path) as library:
        size = len(await library.export())
        return await measure(library), size


def synthetic_reports(paragraphs: int, sentences: list[str]) -> list[Report]:
    rng = random.Random(SEED)
    reports = []
    count = paragraphs // PARAGRAPHS_PER_REPORT
    for i in range(count):
        symbol = f"S/{2030 + i // 12}/{100 + i}"
        meta = ReportMeta(
            symbol,
            f"Synthetic report {i + 1}",
            dt.date(2030, 1, 1) + dt.timedelta(days=30 * i),
            i + 1,
        )
        paras = tuple(
            Paragraph(
                symbol, n, " ".join(rng.choices(sentences, k=rng.randint(2, 7))), ("I. Synthetic",)
            )
            for n in range(1, PARAGRAPHS_PER_REPORT + 1)
        )
        reports.append(Report(meta, paras))
    return reports


def synthetic_db(work: Path, n: int) -> Path:
    """The n-paragraph database, built once (under another name first, so an interrupted
    build is never reused)."""
    path = work / f"series-{n}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in work.glob(f"{partial.name}*"):
            leftover.unlink()
        asyncio.run(build_synthetic(partial, n))
        partial.rename(path)
    return path


async def synthetic(path: Path) -> dict[str, float]:
    async with await Library.open(path, bootstrap=False) as library:
        return await measure(library)


async def build_synthetic(path: Path, n: int) -> None:
    async with await Library.open(work_bundled(path)) as source:
        texts = [p.text for p in await source.export()]
    sentences = [t[a:b] for t in texts for a, b in split_sentences(t)]
    reports = synthetic_reports(n, sentences)
    started = time.perf_counter()
    library = await Library.open(path, bootstrap=False)
    try:
        writer = library._writer  # the bootstrap's path: one transaction, one index rebuild
        assert writer is not None
        segments = [await asyncio.to_thread(build_segment, r) for r in reports]
        async with library._write_lock, writer.transaction():
            for report, segment in zip(reports, segments, strict=True):
                await writer.put_report(
                    report.meta,
                    report.paragraphs,
                    source="synthetic",
                    content_hash=report.symbol,
                    segment=segment,
                )
            searcher = await library._rebuild_in(writer)
        await library._install(searcher)
    finally:
        await library.close()
    print(f"  built {n:,} paragraphs in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def work_bundled(path: Path) -> Path:
    return path.parent / "bundled-source.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportbot-bench-series"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    print(f"# bench_series {now:%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} "
          f"· {os.cpu_count()} cores · load {os.getloadavg()[0]:.1f}")  # fmt: skip
    results, size = asyncio.run(bundled(args.work))
    rows = [("bundled", size, results)]
    for n in [s for s in args.sizes if s > 0]:
        rows.append(("synthetic", n, asyncio.run(synthetic(synthetic_db(args.work, n)))))
    head = ("corpus", "paragraphs", "timeline p50", "timeline p90", "trend counts p50",
            "chart p50", "trend total p50", "trend total p90", "first trend (cold)",
            "whatsnew latest (once)")  # fmt: skip
    print(" | ".join(head))
    for name, n, r in rows:
        print(
            f"{name} | {n:,} | {r['timeline_p50']:.1f} ms | {r['timeline_p90']:.1f} ms | "
            f"{r['trend_counts_p50']:.1f} ms | {r['trend_chart_p50']:.1f} ms | "
            f"{r['trend_total_p50']:.1f} ms | {r['trend_total_p90']:.1f} ms | "
            f"{r['trend_cold_s']:.2f} s | {r['whatsnew_s']:.2f} s"
        )
    last = rows[-1][2]
    print(
        f"bench_series: bundled timeline_p50={rows[0][2]['timeline_p50']:.1f}ms "
        f"trend_p50={rows[0][2]['trend_total_p50']:.1f}ms; N={rows[-1][1]} "
        f"timeline_p50={last['timeline_p50']:.1f}ms trend_p50={last['trend_total_p50']:.1f}ms"
    )


if __name__ == "__main__":
    main()
