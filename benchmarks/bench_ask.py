"""Benchmark what a user waits for: the full /ask path, interleaved with tantivy, at 10k-1M.

    uv run --group bench python benchmarks/bench_ask.py                   # 10k, 100k, 1M
    uv run --group bench python benchmarks/bench_ask.py --sizes 10000     # quick

Ours is `Library.ask` + `render_answer`, exactly as the bot runs it: question parsing, weighing,
scoring, paragraph fetch from SQLite, excerpts, rendering; the semantic layer is off (the
synthetic paragraphs have no vectors, and encoding 1M of them takes hours: bench_semantic.py
measures what it adds). tantivy does the
equivalent of its part: a boolean query of the same tokens, top-10, then the stored text of
each hit; once with count=False and once with count=True (ours always counts the matches).
Both run in the same process, one query after the other, so machine load hits both alike.

Each size also measures, in fresh processes: adding a 100-paragraph report to the database and
removing it again, and removing a report of the stored base (wall time and the process's peak
RSS; on a scratch copy of the database), the background rebuild of the index's base, and the
cold start of `reportbot ask` (a new process that opens the database and answers one question).
The semantic layer is off throughout (REPORTBOT_SEMANTIC=off): it would encode every synthetic
paragraph first, and it is measured by bench_semantic.py.

The corpus is benchmarks/synth.py's (seed 20180131): paragraph text is its space-joined tokens.
The last line is machine-readable: `bench: N=… ask_p50=…ms ask_p99=…ms tantivy_p50=…ms ratio=…
add_report_s=… cold_start=…s peak_rss=…MiB` (one line; with the serve phase but not all phases,
only its first five fields)
(tantivy_p50 is top-10 with stored text and count=True; ratio = ask_p50 / tantivy_p50;
peak_rss is the serving process's).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import synth  # noqa: E402
from engines import peak_rss_mib  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
QUERIES = 220
WARMUP = 10
REPEATS = 2
TOP = 10
COLD_RUNS = 3
ADDED = "S/2099/1"
TIER_REPORTS = 50  # 100-paragraph reports added before timing an open that builds their tiers
PHASES = ("build", "serve", "add", "cold")
EXTRA_PHASES = ("split",)  # where the time of an /ask goes: run on request only


def run_worker(phase: str, n: int, work: Path) -> dict:
    cmd = [sys.executable, str(HERE / "bench_ask.py"), "--worker", phase, "--n", str(n),
           "--work", str(work)]  # fmt: skip
    t0 = time.perf_counter()
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{phase} at {n} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------- building


def _remove_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


async def _build_ours(corpus: Path, n: int, db: Path) -> dict:
    from corpus.model import Paragraph, Report, ReportMeta
    from retrieval.index_file import write_index_file
    from retrieval.library import base_blobs
    from retrieval.search import Searcher, build_segment
    from retrieval.store import Store

    _remove_database(db)
    t0, cpu0 = time.perf_counter(), time.process_time()
    store = await Store.open(db)
    segments: dict[str, bytes] = {}
    metas: dict[str, ReportMeta] = {}
    try:
        async with store.transaction():
            for symbol, numbers, docs in synth.read_reports(corpus, n):
                meta = ReportMeta(symbol, f"Synthetic report {symbol}", dt.date(2018, 1, 31))
                paragraphs = [
                    Paragraph(symbol, num, " ".join(doc))
                    for num, doc in zip(numbers, docs, strict=True)
                ]
                # as the app indexes a report: tokenise its text, learn its aliases and names
                segments[symbol] = build_segment(Report(meta, tuple(paragraphs)))
                metas[symbol] = meta
                await store.put_report(
                    meta, paragraphs, source="synth", content_hash=symbol, segment=segments[symbol]
                )
            t1 = time.perf_counter()
            searcher = Searcher.rebuild(segments, metas)
            blobs = base_blobs(searcher, segments, {s: s for s in segments})
            state = await store.put_blobs(blobs)
            assert state.index_id is not None
            write_index_file(db, state.index_id, blobs)  # as the app does: served memory-mapped
            await store.set_state("bundled_corpus_loaded", "benchmark")
    finally:
        await store.close()
    return {
        "ours_build_s": time.perf_counter() - t0,
        "ours_rows_s": t1 - t0,
        "ours_build_cpu_s": time.process_time() - cpu0,
    }


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=True, tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("cite", stored=True, tokenizer_name="raw")
    return builder.build()


def _build_tantivy(corpus: Path, n: int, path: Path) -> dict:
    import tantivy

    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    t0 = time.perf_counter()
    index = tantivy.Index(_tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=512 * 2**20, num_threads=2)
    for report, number, tokens in synth.read_corpus(corpus, n):
        writer.add_document(tantivy.Document(body=" ".join(tokens), cite=f"{report}#{number}"))
    writer.commit()
    writer.wait_merging_threads()
    return {"tantivy_build_s": time.perf_counter() - t0}


def worker_build(n: int, work: Path) -> dict:
    corpus = work / "corpus.tsv"
    result = asyncio.run(_build_ours(corpus, n, work / f"ask-{n}.sqlite3"))
    result.update(_build_tantivy(corpus, n, work / f"tantivy-text-{n}"))
    result["db_mib"] = (work / f"ask-{n}.sqlite3").stat().st_size / 2**20
    result["build_rss_mib"] = peak_rss_mib()
    return result


# ---------------------------------------------------------------- serving


def _percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def _read_into_page_cache(work: Path, n: int) -> None:
    """Read both engines' files once, so no timed question waits on the disk: this machine's
    page cache is sometimes dropped between runs, and the first pass then measured the disk."""
    db = work / f"ask-{n}.sqlite3"
    paths = [*work.glob(f"{db.name}*"), *(work / f"tantivy-text-{n}").rglob("*")]
    paths += list(db.with_name(db.name + ".index").glob("*"))
    for path in paths:
        if path.is_file():
            with path.open("rb") as stream:
                while stream.read(8 << 20):
                    pass


async def _serve(n: int, work: Path, questions: list[str], tokens: list[list[str]]) -> dict:
    import tantivy

    from bot.replies import render_answer
    from retrieval.library import Library

    _read_into_page_cache(work, n)
    t0 = time.perf_counter()
    library = await Library.open(
        work / f"ask-{n}.sqlite3", bootstrap=False, semantic=False, warm_index=True
    )  # as the bot opens it
    load_s = time.perf_counter() - t0
    schema = _tantivy_schema()
    searcher = tantivy.Index.open(str(work / f"tantivy-text-{n}")).searcher()

    async def ours(question: str) -> int:
        answer = await library.ask(question, k=TOP)
        render_answer(answer, link_base_url="https://undocs.org/en/")
        return len(answer.hits)

    def theirs(query: list[str], count: bool) -> int:
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in query
        ]
        found = searcher.search(tantivy.Query.boolean_query(clauses), TOP, count=count)
        texts = [searcher.doc(addr)["body"][0] for _score, addr in found.hits]
        return len(texts)

    times: dict[str, list[float]] = {"ours": [], "tantivy": [], "tantivy_count": []}
    try:
        for q, toks in list(zip(questions, tokens, strict=True))[:WARMUP]:
            await ours(q)
            theirs(toks, True)
        for _ in range(REPEATS):
            for q, toks in zip(questions, tokens, strict=True):
                t = time.perf_counter()
                await ours(q)
                times["ours"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                theirs(toks, False)
                times["tantivy"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                theirs(toks, True)
                times["tantivy_count"].append((time.perf_counter() - t) * 1000)
    finally:
        await library.close()
    result = {f"{name}_{k}": v for name, ts in times.items() for k, v in _percentiles(ts).items()}
    # Questions never asked before in this process (the first pass, past the warm-up): no cache
    # of either engine has seen them (ours keeps the paragraphs it read, tantivy its doc blocks).
    # The same questions asked again (the second pass): each engine's caches have seen them.
    fresh = slice(WARMUP, len(questions))
    again = slice(len(questions) + WARMUP, 2 * len(questions))
    for name in ("ours", "tantivy_count"):
        result[f"{name}_first_pass_p50_ms"] = _percentiles(times[name][fresh])["p50_ms"]
        result[f"{name}_repeat_pass_p50_ms"] = _percentiles(times[name][again])["p50_ms"]
    return {**result, "samples": len(times["ours"]), "load_s": load_s, "rss_mib": peak_rss_mib()}


async def _split(n: int, work: Path, questions: list[str]) -> dict:
    """Mean time per /ask spent in each index method (the rest: parsing, weighing, fetching,
    excerpts, rendering), over REPEATS passes of the queries after the warm-up."""
    from bot.replies import render_answer
    from retrieval.library import Library
    from retrieval.tiered import TieredIndex

    spent: dict[str, float] = {}
    for name in ("top_k", "top_k_counted", "matching_count", "get_scores", "_term"):
        real = getattr(TieredIndex, name)

        def timed(*args: object, _real=real, _name=name, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return _real(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t

        setattr(TieredIndex, name, timed)
    library = await Library.open(
        work / f"ask-{n}.sqlite3", bootstrap=False, semantic=False, warm_index=True
    )  # as the bot opens it
    total = 0.0
    try:
        for q in questions[:WARMUP]:
            await library.ask(q, k=TOP)
        spent.clear()
        for _ in range(REPEATS):
            for q in questions:
                t = time.perf_counter()
                render_answer(await library.ask(q, k=TOP), link_base_url="https://undocs.org/en/")
                total += time.perf_counter() - t
    finally:
        await library.close()
    asks = REPEATS * len(questions)
    split = {f"split_{k}_ms": v * 1000 / asks for k, v in spent.items()}
    return {"split_ask_mean_ms": total * 1000 / asks, **split}


def worker_split(n: int, work: Path) -> dict:
    tokens = json.loads((work / "queries.json").read_text())
    return asyncio.run(_split(n, work, [" ".join(t) for t in tokens]))


def worker_serve(n: int, work: Path) -> dict:
    tokens = json.loads((work / "queries.json").read_text())
    questions = [" ".join(t) for t in tokens]
    return asyncio.run(_serve(n, work, questions, tokens))


# ---------------------------------------------------------------- adding and removing


def added_report() -> bytes:
    lines = ["Report of the Secretary-General on benchmarking", "I. Introduction"]
    lines += [
        f"{i}. Member States reported that couriers moved funds across borders in case {i}."
        for i in range(1, 101)
    ]
    return ("\n".join(lines) + "\n").encode()


def _scratch_copy(work: Path, n: int) -> Path:
    """A copy of the database and its index file, so removing a base report changes nothing."""
    from retrieval.index_file import index_dir

    db, copy = work / f"ask-{n}.sqlite3", work / f"scratch-{n}.sqlite3"
    _remove_database(copy)
    shutil.rmtree(index_dir(copy), ignore_errors=True)
    shutil.copyfile(db, copy)
    if index_dir(db).exists():
        shutil.copytree(index_dir(db), index_dir(copy))
    return copy


async def _add_remove(n: int, work: Path) -> dict:
    from retrieval.index_file import index_dir
    from retrieval.library import Library

    copy = _scratch_copy(work, n)
    t0 = time.perf_counter()
    library = await Library.open(copy, bootstrap=False, semantic=False)
    open_s = time.perf_counter() - t0
    rss_open = peak_rss_mib()
    try:
        t0 = time.perf_counter()
        result = await library.ingest(added_report(), source="added.txt", symbol=ADDED)
        add_s = time.perf_counter() - t0
        assert result.paragraph_count == 100, result
        rss_add = peak_rss_mib()
        t0 = time.perf_counter()
        await library.remove(ADDED)
        remove_s = time.perf_counter() - t0
        base_report = (await library.reports())[0].meta.symbol
        t0 = time.perf_counter()
        await library.remove(base_report)
        remove_base_s = time.perf_counter() - t0
        rss_changes = peak_rss_mib()
        for i in range(TIER_REPORTS):  # tiers another process must build when it opens
            await library.ingest(added_report(), source=f"{i}.txt", symbol=f"S/2098/{i + 1}")
        t0 = time.perf_counter()
        reader = await Library.open(copy, bootstrap=False, semantic=False, read_only=True)
        open_tiers_s = time.perf_counter() - t0
        await reader.close()
        t0 = time.perf_counter()
        await library.merge_index()
        merge_s = time.perf_counter() - t0
    finally:
        await library.close()
        _remove_database(copy)
        shutil.rmtree(index_dir(copy), ignore_errors=True)
    return {
        "add_report_s": add_s,
        "remove_report_s": remove_s,
        "remove_base_report_s": remove_base_s,
        "open_s": open_s,
        "open_with_tiers_s": open_tiers_s,
        "merge_s": merge_s,
        "rss_open_mib": rss_open,
        "rss_after_add_mib": rss_add,
        "peak_rss_mib": rss_changes,
        "merge_peak_rss_mib": peak_rss_mib(),
    }


def worker_add(n: int, work: Path) -> dict:
    return asyncio.run(_add_remove(n, work))


def cold_start(n: int, work: Path, question: str) -> dict:
    """Wall time of `reportbot ask` in a new process (median of COLD_RUNS), files in cache."""
    cmd = [sys.executable, "-m", "bot", "--db", str(work / f"ask-{n}.sqlite3"), "ask", question]
    runs = []
    env = {**os.environ, "REPORTBOT_SEMANTIC": "off"}
    for _ in range(COLD_RUNS):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        runs.append(time.perf_counter() - t0)
        if done.returncode:
            raise SystemExit(f"reportbot ask failed: {done.stderr[-2000:]}")
    return {"cold_start_s": statistics.median(runs), "cold_runs_s": runs}


# ---------------------------------------------------------------- driver


def prepare(work: Path, largest: int) -> None:
    _name, tokenize = synth.load_tokenizer()
    corpus = work / "corpus.tsv"
    stamp = work / "corpus.size"  # paragraphs corpus.tsv holds; smaller sizes read a prefix
    if not stamp.exists() or int(stamp.read_text() or 0) < largest:
        stamp.unlink(missing_ok=True)
        synth.write_corpus(corpus, largest, tokenize)
        stamp.write_text(str(largest))
    (work / "queries.json").write_text(json.dumps(synth.make_queries(QUERIES, tokenize)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportbot-bench-ask"))
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument(
        "--phases",
        nargs="+",
        default=list(PHASES),
        choices=PHASES + EXTRA_PHASES,
        help="run only these (later phases use the files earlier runs left in --work)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.worker:
        workers = {"build": worker_build, "serve": worker_serve, "add": worker_add}
        fn = {**workers, "split": worker_split}[args.worker]
        print(json.dumps(fn(args.n, args.work)))
        return
    lines = [
        f"# full /ask benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at start {os.getloadavg()[0]:.1f} (shared machine)",
    ]

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)
        if args.out:
            args.out.write_text("\n".join(lines) + "\n")

    if "build" in args.phases:
        prepare(args.work, max(args.sizes))
    question = " ".join(json.loads((args.work / "queries.json").read_text())[0])
    rows = {}
    for n in sorted(args.sizes):
        row: dict = {}
        for phase in ("build", "serve", "add", "split"):
            if phase in args.phases:
                row.update(run_worker(phase, n, args.work))
        if "cold" in args.phases:
            row.update(cold_start(n, args.work, question))
        rows[n] = row
        say(f"  N={n}: {json.dumps(row)}")
    say(f"load average at end {os.getloadavg()[0]:.1f}")
    if not set(PHASES) <= set(args.phases):
        if "serve" in args.phases:  # the answering part of the summary line alone
            n = max(rows)
            r = rows[n]
            say(
                f"bench: N={n} ask_p50={r['ours_p50_ms']:.1f}ms ask_p99={r['ours_p99_ms']:.1f}ms "
                f"tantivy_p50={r['tantivy_count_p50_ms']:.2f}ms "
                f"ratio={r['ours_p50_ms'] / r['tantivy_count_p50_ms']:.2f}"
            )
        return
    say(
        "| N | /ask p50 ms | /ask p99 ms | tantivy p50 (count=False) | tantivy p50 (count=True)"
        " | ratio | add s | remove s | remove base s | add peak RSS MiB | cold start s"
        " | serve RSS MiB | base rebuild s (background) |"
    )
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, r in rows.items():
        say(
            f"| {n:,} | {r['ours_p50_ms']:.1f} | {r['ours_p99_ms']:.1f} | "
            f"{r['tantivy_p50_ms']:.2f} | {r['tantivy_count_p50_ms']:.2f} | "
            f"{r['ours_p50_ms'] / r['tantivy_count_p50_ms']:.1f} | {r['add_report_s']:.2f} | "
            f"{r['remove_report_s']:.2f} | {r['remove_base_report_s']:.2f} | "
            f"{r['peak_rss_mib']:.0f} | {r['cold_start_s']:.2f} | {r['rss_mib']:.0f} | "
            f"{r['merge_s']:.1f} |"
        )
    n = max(rows)
    r = rows[n]
    say(
        f"bench: N={n} ask_p50={r['ours_p50_ms']:.1f}ms ask_p99={r['ours_p99_ms']:.1f}ms "
        f"tantivy_p50={r['tantivy_count_p50_ms']:.2f}ms "
        f"ratio={r['ours_p50_ms'] / r['tantivy_count_p50_ms']:.2f} "
        f"add_report_s={r['add_report_s']:.2f} cold_start={r['cold_start_s']:.2f}s "
        f"peak_rss={r['rss_mib']:.0f}MiB"
    )


if __name__ == "__main__":
    main()
