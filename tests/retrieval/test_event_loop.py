"""Scoring runs off the event loop, so the bot keeps its gateway heartbeat while it ranks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

import retrieval.search as search
from retrieval.answer_thread import ANSWERS
from retrieval.library import Library
from retrieval.store import ParagraphReader
from retrieval.tiered import TieredIndex as Bm25Index  # what a library's searcher scores with


@pytest.mark.parametrize(
    "question",
    [
        "oil revenue",
        "S/2018/80 para 13 oil revenue",
        '"foreign terrorist fighters" report:S/2018/80',
    ],
)
async def test_ask_scores_in_a_worker_thread(
    library: Library, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    loop_thread = threading.get_ident()
    scoring_threads: list[int] = []
    real_top_k = Bm25Index.top_k
    real_get_scores = Bm25Index.get_scores

    def top_k(self: Bm25Index, *args: object, **kwargs: object) -> object:
        scoring_threads.append(threading.get_ident())
        return real_top_k(self, *args, **kwargs)  # type: ignore[arg-type]

    def get_scores(self: Bm25Index, *args: object, **kwargs: object) -> object:
        scoring_threads.append(threading.get_ident())
        return real_get_scores(self, *args, **kwargs)  # type: ignore[arg-type]

    real_counted = Bm25Index.top_k_counted

    def top_k_counted(self: Bm25Index, *args: object, **kwargs: object) -> object:
        scoring_threads.append(threading.get_ident())
        return real_counted(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Bm25Index, "top_k", top_k)
    monkeypatch.setattr(Bm25Index, "top_k_counted", top_k_counted)
    monkeypatch.setattr(Bm25Index, "get_scores", get_scores)

    answer = await library.ask(question, k=3)

    assert answer.hits, "the question should find something in the bundled corpus"
    assert scoring_threads, "scoring must go through the index"
    assert loop_thread not in scoring_threads


@pytest.mark.parametrize(
    "question",
    [
        "oil revenue",
        "S/2018/80 para 13 oil revenue",
        '"foreign terrorist fighters" report:S/2018/80',
    ],
)
async def test_an_answer_is_made_in_one_worker_thread_in_one_trip(
    library: Library, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    """Scoring, the paragraph read and the excerpts happen in one worker thread, handed one job
    by the loop: an answer waits for one thread switch, not one per step."""
    await library.ask(question, k=3)  # warm: a first answer may load what later ones reuse
    jobs: list[object] = []
    real_run = ANSWERS.run
    real_run_in_executor = asyncio.get_running_loop().run_in_executor

    def run(job: Callable[[], object]) -> object:
        jobs.append(job)
        return real_run(job)

    def run_in_executor(executor: object, func: object, *args: object) -> object:
        jobs.append(func)
        return real_run_in_executor(executor, func, *args)  # type: ignore[arg-type]

    threads: dict[str, set[int]] = {"score": set(), "read": set(), "excerpt": set()}
    real_top_k = Bm25Index.top_k_counted
    real_read = ParagraphReader.fetch_paragraphs_at
    real_excerpt = search.best_excerpt

    def top_k(self: Bm25Index, *args: object, **kwargs: object) -> object:
        threads["score"].add(threading.get_ident())
        return real_top_k(self, *args, **kwargs)  # type: ignore[arg-type]

    def read(self: ParagraphReader, keys: object) -> object:
        threads["read"].add(threading.get_ident())
        return real_read(self, keys)  # type: ignore[arg-type]

    def excerpt(*args: object, **kwargs: object) -> object:
        threads["excerpt"].add(threading.get_ident())
        return real_excerpt(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ANSWERS, "run", run)
    monkeypatch.setattr(asyncio.get_running_loop(), "run_in_executor", run_in_executor)
    monkeypatch.setattr(Bm25Index, "top_k_counted", top_k)
    monkeypatch.setattr(ParagraphReader, "fetch_paragraphs_at", read)
    monkeypatch.setattr(search, "best_excerpt", excerpt)

    answer = await library.ask(question, k=3)

    assert answer.hits
    assert len(jobs) == 1
    [worker] = threads["score"]
    assert threads["read"] == threads["excerpt"] == {worker}
    assert worker != threading.get_ident()
