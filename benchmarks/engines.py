"""One benchmark worker per engine and phase; each runs in a fresh process and prints JSON.

Every engine gets the same tokens: ours and rank_bm25 as lists, tantivy as whitespace-joined
text with its "whitespace" tokenizer (no lowercasing or stemming of its own).
"""

from __future__ import annotations

import pickle
import resource
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np
import synth

TOP = 10
REPEATS = 3  # timed passes over the query set
WARMUP = 10


def peak_rss_mib() -> float:
    """This process's RSS high-water mark (VmHWM: unlike ru_maxrss, it resets on exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _latencies(
    answer: Callable[[list[str]], list[tuple[int, float]]],
    queries: list[list[str]],
    repeats: int = REPEATS,
) -> dict:
    for q in queries[:WARMUP]:
        answer(q)
    times, tops = [], []
    for _ in range(repeats):
        tops = []
        for q in queries:
            t0 = time.perf_counter()
            tops.append(answer(q))
            times.append((time.perf_counter() - t0) * 1000)
    return {
        "p50_ms": float(np.percentile(times, 50)),
        "p99_ms": float(np.percentile(times, 99)),
        "queries": len(queries),
        "samples": len(times),
        "tops": tops,
    }


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------- ours


def ours_build(corpus: Path, n: int, work: Path) -> dict:
    from retrieval.index import Bm25Index
    from retrieval.segment import build_segment

    t0 = time.perf_counter()
    segments = [build_segment(r, nums, docs) for r, nums, docs in synth.read_reports(corpus, n)]
    t1 = time.perf_counter()
    index = Bm25Index.from_segments(segments)
    blobs = index.to_blobs()
    t2 = time.perf_counter()
    db = work / f"ours-{n}.sqlite3"
    db.unlink(missing_ok=True)
    with closing(sqlite3.connect(db)) as con, con:
        con.execute("CREATE TABLE index_blob (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
        con.executemany("INSERT INTO index_blob VALUES (?, ?)", sorted(blobs.items()))
    index_bytes = db.stat().st_size
    with closing(sqlite3.connect(db)) as con, con:
        con.execute("CREATE TABLE index_segment (report TEXT PRIMARY KEY, data BLOB NOT NULL)")
        con.executemany(
            "INSERT INTO index_segment VALUES (?, ?)",
            [(str(i), s) for i, s in enumerate(segments)],
        )
    return {
        "build_s": t2 - t0,
        "segments_s": t1 - t0,
        "merge_s": t2 - t1,
        "disk_mib": index_bytes / 2**20,
        "disk_with_segments_mib": db.stat().st_size / 2**20,
        "postings": int(np.frombuffer(blobs["df"], "<i4").sum()),  # sparse + dense rows
        "terms": len(blobs["hash_hi"]) // 8,
        "build_rss_mib": peak_rss_mib(),
    }


def _ours_load(work: Path, n: int):
    from retrieval.index import Bm25Index

    with closing(sqlite3.connect(f"file:{work / f'ours-{n}.sqlite3'}?mode=ro", uri=True)) as con:
        blobs = dict(con.execute("SELECT name, data FROM index_blob"))
    return Bm25Index.from_blobs(blobs)


def ours_cold(work: Path, n: int, query: list[str]) -> dict:
    t0 = time.perf_counter()
    index = _ours_load(work, n)
    top = index.top_k(query, TOP)
    return {"in_process_s": time.perf_counter() - t0, "hits": len(top)}


def ours_serve(work: Path, n: int, queries: list[list[str]]) -> dict:
    t0 = time.perf_counter()
    index = _ours_load(work, n)
    load_s = time.perf_counter() - t0
    result = _latencies(lambda q: index.top_k(q, TOP), queries)
    return {**result, "load_s": load_s, "peak_rss_mib": peak_rss_mib()}


# ---------------------------------------------------------------- tantivy


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace", index_option="freq")
    return builder.build()


def tantivy_build(corpus: Path, n: int, work: Path) -> dict:
    import tantivy

    path = work / f"tantivy-{n}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    t0 = time.perf_counter()
    index = tantivy.Index(_tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=512 * 2**20, num_threads=2)
    for _r, _num, tokens in synth.read_corpus(corpus, n):
        writer.add_document(tantivy.Document(body=" ".join(tokens)))
    writer.commit()
    writer.wait_merging_threads()
    return {
        "build_s": time.perf_counter() - t0,
        "disk_mib": dir_size(path) / 2**20,
        "build_rss_mib": peak_rss_mib(),
    }


def _tantivy_answerer(work: Path, n: int):
    import tantivy

    schema = _tantivy_schema()
    index = tantivy.Index.open(str(work / f"tantivy-{n}"))
    searcher = index.searcher()

    def answer(query: list[str]) -> list[tuple[int, float]]:
        clauses = [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in query
        ]
        hits = searcher.search(tantivy.Query.boolean_query(clauses), TOP).hits
        return [(addr.doc, score) for score, addr in hits]

    return answer


def tantivy_cold(work: Path, n: int, query: list[str]) -> dict:
    t0 = time.perf_counter()
    top = _tantivy_answerer(work, n)(query)
    return {"in_process_s": time.perf_counter() - t0, "hits": len(top)}


def tantivy_serve(work: Path, n: int, queries: list[list[str]]) -> dict:
    t0 = time.perf_counter()
    answer = _tantivy_answerer(work, n)
    load_s = time.perf_counter() - t0
    return {**_latencies(answer, queries), "load_s": load_s, "peak_rss_mib": peak_rss_mib()}


# ---------------------------------------------------------------- rank_bm25


def _rank_top(model, query: list[str]) -> list[tuple[int, float]]:
    scores = model.get_scores(query)
    order = np.lexsort((np.arange(scores.size), -scores))[:TOP]
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


def rank_build(corpus: Path, n: int, work: Path) -> dict:
    from rank_bm25 import BM25Okapi

    from retrieval.index import K1, B

    docs = [tokens for _r, _n, tokens in synth.read_corpus(corpus, n)]
    t0 = time.perf_counter()
    # pre-tokenised: never pass tokenizer= (it starts a process pool)
    model = BM25Okapi(docs, k1=K1, b=B)
    build_s = time.perf_counter() - t0
    path = work / f"rank-{n}.pickle"
    path.write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    return {
        "build_s": build_s,
        "disk_mib": path.stat().st_size / 2**20,
        "build_rss_mib": peak_rss_mib(),
    }


def rank_cold(work: Path, n: int, query: list[str]) -> dict:
    t0 = time.perf_counter()
    model = pickle.loads((work / f"rank-{n}.pickle").read_bytes())
    top = _rank_top(model, query)
    return {"in_process_s": time.perf_counter() - t0, "hits": len(top)}


def rank_serve(work: Path, n: int, queries: list[list[str]]) -> dict:
    t0 = time.perf_counter()
    model = pickle.loads((work / f"rank-{n}.pickle").read_bytes())
    load_s = time.perf_counter() - t0
    result = _latencies(lambda q: _rank_top(model, q), queries, repeats=1)  # slow: one pass
    return {**result, "load_s": load_s, "peak_rss_mib": peak_rss_mib()}
