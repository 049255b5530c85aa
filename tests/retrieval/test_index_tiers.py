"""Ingest and remove change one report's tier (or tombstone) of the index, never the stored base;
every process answers exactly as an index rebuilt from scratch would; the base is rebuilt off
the reply path when the tiers grow."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from retrieval import tiered
from retrieval.library import Library
from retrieval.store import Store
from tests.conftest import make_report_text

QUESTIONS = [
    "oil revenue",
    "foreign terrorist fighters returning home",
    "hawala networks in the border region",
    "aviation security advance passenger information",
    "kidnapping for ransom",
]
HAWALA = [
    "Couriers moved the remaining funds through hawala networks in the border region.",
    "Member States reported that returning foreign terrorist fighters posed a risk to prisons.",
]
AVIATION = [
    "The Office delivered assistance on aviation security and advance passenger information.",
    "Oil revenue fell as the group lost control of the fields; kidnapping for ransom rose.",
    "Hawala brokers in the border region were sanctioned.",
]


def sql(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(db) as raw:
        rows = raw.execute(query).fetchall()
    raw.close()
    return rows


async def answers(library: Library) -> list[tuple]:
    out = []
    for question in QUESTIONS:
        answer = await library.ask(question, k=8)
        out.append(tuple((h.citation, h.score, h.excerpt.text) for h in answer.hits))
    return out


async def change_reports(library: Library) -> None:
    await library.ingest(make_report_text(HAWALA).encode(), source="a", symbol="S/2099/1")
    await library.ingest(make_report_text(AVIATION).encode(), source="b", symbol="S/2099/2")
    await library.ingest(make_report_text(AVIATION[::-1]).encode(), source="c", symbol="S/2099/1")
    await library.remove("S/2016/501")  # in the stored base: a tombstone


def no_background_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled corpus is small: any change would make the tiers due for a merge."""
    monkeypatch.setattr(tiered, "SMALL_SHARE", 1.0)
    monkeypatch.setattr(tiered, "DEAD_SHARE", 1.0)


async def test_every_process_answers_as_a_rebuilt_index(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_background_merge(monkeypatch)
    writer = await library_factory(bundled_db)
    base_id = await asyncio.to_thread(sql, bundled_db, "SELECT index_id FROM library_version")
    await change_reports(writer)
    mine = await answers(writer)
    assert any("S/2099/1" in hit[0] for found in mine for hit in found)
    assert not any("S/2016/501" in hit[0] for found in mine for hit in found)
    # the stored base is untouched; the removed base report's segment is kept for the others
    assert await asyncio.to_thread(sql, bundled_db, "SELECT index_id FROM library_version") == (
        base_id
    )
    retired = await asyncio.to_thread(sql, bundled_db, "SELECT report FROM index_retired")
    assert ("S/2016/501",) in retired
    other = await library_factory(bundled_db)  # another process: base + tiers from the database
    assert await answers(other) == mine
    await writer.merge_index()  # what a fresh index over the same reports answers
    assert await asyncio.to_thread(sql, bundled_db, "SELECT report FROM index_retired") == []
    assert await answers(writer) == mine
    fresh = await library_factory(bundled_db)
    assert await answers(fresh) == mine


async def test_a_lost_retired_segment_means_a_full_rebuild_not_a_wrong_answer(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_background_merge(monkeypatch)
    writer = await library_factory(bundled_db)
    await change_reports(writer)
    mine = await answers(writer)
    await writer.close()
    await asyncio.to_thread(sql, bundled_db, "DELETE FROM index_retired")
    reopened = await library_factory(bundled_db)
    assert await answers(reopened) == mine


async def test_the_base_is_rebuilt_after_the_reply_when_the_tiers_grow(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tiered, "SMALL_SHARE", 0.0)  # any small tier is too large
    library = await library_factory(bundled_db)
    base_id = await asyncio.to_thread(sql, bundled_db, "SELECT index_id FROM library_version")
    merged = asyncio.Event()
    real_merge = Library.merge_index

    async def merge_index(self: Library) -> None:
        await real_merge(self)
        merged.set()

    monkeypatch.setattr(Library, "merge_index", merge_index)
    await library.ingest(make_report_text(HAWALA).encode(), source="a", symbol="S/2099/1")
    assert not merged.is_set()  # the reply came first
    await asyncio.wait_for(merged.wait(), 60)
    assert await asyncio.to_thread(sql, bundled_db, "SELECT index_id FROM library_version") != (
        base_id
    )
    hits = (await library.ask("hawala networks border region", k=1)).hits
    assert [h.citation for h in hits] == ["S/2099/1, para. 1"]


async def test_close_waits_for_a_base_rebuild_in_progress(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tiered, "SMALL_SHARE", 0.0)
    library = await library_factory(bundled_db)
    await library.ingest(make_report_text(HAWALA).encode(), source="a", symbol="S/2099/1")
    await library.close()
    store = await Store.open(bundled_db)
    try:
        state = await store.index_state()
        assert state.index_generation == state.generation  # rebuilt over every report
    finally:
        await store.close()


async def test_two_writers_taking_turns_keep_every_process_exact(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot and a CLI (two libraries on one file) each change reports the other indexed."""
    no_background_merge(monkeypatch)
    bot = await library_factory(bundled_db)
    cli = await library_factory(bundled_db)
    await bot.ingest(make_report_text(HAWALA).encode(), source="a", symbol="S/2099/1")
    await cli.ingest(make_report_text(AVIATION).encode(), source="b", symbol="S/2099/1")
    await bot.ingest(make_report_text(HAWALA[::-1]).encode(), source="c", symbol="S/2099/2")
    await cli.remove("S/2018/80")
    await bot.ingest(make_report_text(AVIATION[:2]).encode(), source="d", symbol="S/2099/2")
    mine = await answers(bot)
    assert await answers(cli) == mine
    fresh = await library_factory(bundled_db)
    await fresh.merge_index()
    assert await answers(fresh) == mine
    assert [r.meta.symbol for r in await fresh.reports()] == ["S/2016/501", "S/2099/1", "S/2099/2"]
