"""Scoring runs off the event loop, so the bot keeps its gateway heartbeat while it ranks."""

from __future__ import annotations

import threading

import pytest

from retrieval.library import Library
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

    monkeypatch.setattr(Bm25Index, "top_k", top_k)
    monkeypatch.setattr(Bm25Index, "get_scores", get_scores)

    answer = await library.ask(question, k=3)

    assert answer.hits, "the question should find something in the bundled corpus"
    assert scoring_threads, "scoring must go through the index"
    assert loop_thread not in scoring_threads
