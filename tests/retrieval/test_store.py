"""The store on real SQLite: round trips, atomic replacement, migrations, bad files, read-only."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrieval.store as store_module
from corpus.model import Footnote, Heading, Paragraph, Report, ReportMeta
from retrieval.store import SCHEMA_VERSION, DatabaseFault, Store, StoreError


def make_report(symbol: str = "S/2099/1", texts: tuple[str, ...] = ("One.", "Two.")) -> Report:
    note = Footnote(1, "A footnote.")
    paragraphs = tuple(
        Paragraph(
            symbol,
            i,
            text,
            section=("I. Introduction",) if i == 1 else ("II. Findings", "A. Money"),
            footnotes=(note,) if i == 2 else (),
        )
        for i, text in enumerate(texts, start=1)
    )
    return Report(
        meta=ReportMeta(symbol, "A title", dt.date(2099, 1, 31), ordinal=3),
        paragraphs=paragraphs,
        headings=(Heading("I.", "Introduction", 1), Heading("II.", "Findings", 1, (1,))),
        footnotes=(note,),
    )


async def put(
    store: Store, report: Report, *, content_hash: str = "h1", segment: bytes = b"s"
) -> None:
    async with store.transaction():
        await store.put_report(
            report.meta,
            report.paragraphs,
            headings=report.headings,
            footnotes=report.footnotes,
            source="test",
            content_hash=content_hash,
            segment=segment,
        )


@pytest.fixture
async def store(tmp_path: Path):
    opened = await Store.open(tmp_path / "t.sqlite3")
    yield opened
    await opened.close()


async def test_a_new_database_is_migrated_wal_and_reports_created(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    store = await Store.open(path)
    try:
        assert store.created
        assert await store.schema_version() == SCHEMA_VERSION
        assert await store.reports() == []
    finally:
        await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again = await Store.open(path)
    assert not again.created
    await again.close()


async def test_report_round_trips_with_sections_footnotes_and_headings(store: Store) -> None:
    report = make_report()
    await put(store, report)
    assert await store.paragraphs(report.symbol) == list(report.paragraphs)
    assert await store.headings(report.symbol) == list(report.headings)
    assert await store.footnotes(report.symbol) == [Footnote(1, "A footnote.")]
    [stored] = await store.reports()
    assert stored.meta == report.meta
    assert (stored.paragraph_count, stored.footnote_count) == (2, 1)
    assert await store.segments() == {report.symbol: b"s"}


async def test_fetch_keeps_key_order_and_skips_unknown_keys(store: Store) -> None:
    await put(store, make_report("S/2099/1", ("a", "b", "c")))
    await put(store, make_report("S/2099/2", ("x", "y")))
    keys = [("S/2099/2", 2), ("S/2099/1", 3), ("S/2099/9", 1), ("S/2099/1", 1), ("S/2099/1", 7)]
    found = await store.fetch_paragraphs(keys)
    assert [(p.report, p.number, p.text) for p in found] == [
        ("S/2099/2", 2, "y"),
        ("S/2099/1", 3, "c"),
        ("S/2099/1", 1, "a"),
    ]


async def test_put_report_replaces_everything_for_that_symbol(store: Store) -> None:
    await put(store, make_report(texts=("old 1", "old 2", "old 3")))
    await put(store, make_report(texts=("new 1", "new 2")), content_hash="h2", segment=b"t")
    assert [p.text for p in await store.paragraphs("S/2099/1")] == ["new 1", "new 2"]
    assert await store.content_hash("S/2099/1") == "h2"
    assert await store.segments() == {"S/2099/1": b"t"}


def failing_after(paragraphs: tuple[Paragraph, ...], count: int) -> Iterator[Paragraph]:
    yield from paragraphs[:count]
    raise OSError("disk on fire")


async def test_a_failure_mid_write_keeps_the_previous_copy(store: Store, tmp_path: Path) -> None:
    old = make_report(texts=("old 1", "old 2", "old 3"))
    await put(store, old)
    new = make_report(texts=("new 1", "new 2", "new 3"))

    async def replace() -> None:
        async with store.transaction():
            await store.put_blobs({"global": b"new"})
            await store.put_report(
                new.meta, failing_after(new.paragraphs, 2), source="x", content_hash="h2"
            )

    with pytest.raises(OSError, match="disk on fire"):
        await replace()
    assert await store.paragraphs(old.symbol) == list(old.paragraphs)
    assert await store.content_hash(old.symbol) == "h1"
    assert await store.blobs() == {}
    assert await store.integrity_check() == "ok"


async def test_cancellation_inside_a_transaction_rolls_back(store: Store) -> None:
    class Stop(BaseException):
        pass

    async def interrupted() -> None:
        async with store.transaction():
            await store.put_blobs({"a": b"1"})
            raise Stop

    with pytest.raises(Stop):
        await interrupted()
    assert await store.blobs() == {}
    async with store.transaction():  # the connection is usable afterwards
        await store.put_blobs({"a": b"2"})
    assert await store.blobs() == {"a": b"2"}


async def test_delete_report_cascades_to_all_its_rows(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "d.sqlite3")
    try:
        await put(store, make_report("S/2099/1"))
        await put(store, make_report("S/2099/2"))
        async with store.transaction():
            await store.delete_report("S/2099/1")
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "d.sqlite3") as raw:
        for table in ("paragraph", "footnote", "heading", "paragraph_footnote", "index_segment"):
            reports = {r for (r,) in raw.execute(f"SELECT DISTINCT report FROM {table}")}
            assert reports == {"S/2099/2"}, table


async def test_writes_outside_a_transaction_are_refused(store: Store) -> None:
    with pytest.raises(RuntimeError, match=r"inside Store\.transaction"):
        await store.put_blobs({"a": b"1"})


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all, just text\n" * 200, b"\x00\xff" * 5000],
    ids=["text", "binary"],
)
async def test_a_foreign_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a usable reportbot database"):
        await Store.open(path)
    with pytest.raises(StoreError, match=r"junk\.sqlite3"):
        await Store.open(path, read_only=True)
    assert path.read_bytes() == content


async def test_a_truncated_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    store = await Store.open(path)
    await put(store, make_report(texts=tuple(f"paragraph {i} " * 200 for i in range(60))))
    await store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])

    async def read_everything() -> None:
        reopened = await Store.open(path)
        try:
            await reopened.paragraphs("S/2099/1")
            await reopened.segments()
        finally:
            await reopened.close()

    with pytest.raises(StoreError, match=r"t\.sqlite3"):
        await read_everything()


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer reportbot"):
        await Store.open(path)
    with pytest.raises(StoreError, match="newer reportbot"):
        await Store.open(path, read_only=True)


async def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        await Store.open(tmp_path / "nowhere" / "db.sqlite3")
    with pytest.raises(StoreError, match="does not exist"):
        await Store.open(tmp_path / "absent.sqlite3", read_only=True)


@pytest.mark.parametrize("read_only", [False, True])
async def test_the_paragraph_reader_reads_what_the_store_reads(
    tmp_path: Path, read_only: bool
) -> None:
    """The blocking reader (for /ask's worker thread) gives the same generation and paragraphs,
    in the keys' order, from a thread that is not the loop's; it sees later commits too."""
    path = tmp_path / "t.sqlite3"
    writer = await Store.open(path)
    await put(writer, make_report("S/2099/1", ("a", "b", "c")))
    store = await Store.open(path, read_only=read_only)
    reader = await store.paragraph_reader()
    keys = [("S/2099/1", 3), ("S/2099/9", 1), ("S/2099/1", 1)]
    try:
        assert await asyncio.to_thread(reader.fetch_paragraphs_at, keys) == (
            await store.fetch_paragraphs_at(keys)
        )
        await put(writer, make_report("S/2099/1", ("new a", "b", "c")), content_hash="h2")
        generation, found = await asyncio.to_thread(reader.fetch_paragraphs_at, keys)
        assert (generation, found) == await store.fetch_paragraphs_at(keys)
        assert [p.text for p in found] == ["c", "new a"]
    finally:
        reader.close()
        await store.close()
        await writer.close()


async def test_the_paragraph_reader_never_answers_from_an_older_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader keeps paragraphs it read between answers; any read, whether its paragraphs
    were kept or not, is what a fresh read of the database gives at that moment: another
    connection's write (a CLI ingest) is seen by the next read, kept paragraphs included, also
    while the reader drops the oldest to keep at most its fill (3 here)."""
    monkeypatch.setattr(store_module, "CACHED_PARAGRAPHS", 3)
    path = tmp_path / "t.sqlite3"
    writer = await Store.open(path)
    await put(writer, make_report("S/2099/1", ("a", "b", "c", "d")))
    store = await Store.open(path, read_only=True)
    reader = await store.paragraph_reader()
    draw = random.Random(9)
    try:
        for version in range(8):
            lists = [[draw.randint(1, 6) for _ in range(draw.randint(0, 6))] for _ in range(12)]
            for keys in [*lists, [1, 2, 3, 4], [4, 1], []]:
                wanted = [("S/2099/1", n) for n in keys]
                got = await asyncio.to_thread(reader.fetch_paragraphs_at, wanted)
                assert got == await store.fetch_paragraphs_at(wanted)
                assert [p.text for p in got[1]] == [
                    f"{'abcd'[n - 1]}{version or ''}" for n in keys if n <= 4
                ]
            texts = tuple(f"{c}{version + 1}" for c in "abcd")
            await put(writer, make_report("S/2099/1", texts), content_hash=f"h{version + 2}")
    finally:
        reader.close()
        await store.close()
        await writer.close()


async def test_the_paragraph_reader_reports_corruption_as_a_database_fault(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.sqlite3"
    store = await Store.open(path)
    await put(store, make_report("S/2099/1", tuple(f"paragraph {i} " * 200 for i in range(40))))
    reader = await store.paragraph_reader()
    try:
        with sqlite3.connect(path) as raw_db:  # the rows into the file, out of the WAL
            raw_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw_db.close()
        size = path.stat().st_size
        with path.open("r+b") as raw:  # every page but the header
            raw.seek(4096)
            raw.write(b"\xff" * (size - 4096))
        with pytest.raises(DatabaseFault, match="malformed") as fault:
            reader.fetch_paragraphs_at([("S/2099/1", n) for n in range(1, 41)])
        assert str(path) in str(fault.value)
    finally:
        reader.close()
        await store.close()


async def test_no_paragraph_reader_on_a_file_replaced_since_the_store_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.sqlite3"
    store = await Store.open(path)
    other = await Store.open(tmp_path / "other.sqlite3")
    await other.close()
    os.replace(tmp_path / "other.sqlite3", path)
    try:
        with pytest.raises(DatabaseFault, match="was replaced"):
            await store.paragraph_reader()
    finally:
        await store.close()


async def test_read_only_open_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    store = await Store.open(path)
    await put(store, make_report())
    await store.close()
    before = path.read_bytes()
    reader = await Store.open(path, read_only=True)
    try:
        assert [p.number for p in await reader.paragraphs("S/2099/1")] == [1, 2]
        with pytest.raises(StoreError, match="read-only"):
            async with reader.transaction():
                pass
    finally:
        await reader.close()
    assert path.read_bytes() == before


async def test_two_connections_do_not_see_each_others_open_transaction(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    writer = await Store.open(path)
    reader = await Store.open(path)
    try:
        await put(writer, make_report(texts=("old",)))
        async with writer.transaction():
            await writer.delete_report("S/2099/1")
            assert [p.text for p in await reader.paragraphs("S/2099/1")] == ["old"]
        assert await reader.paragraphs("S/2099/1") == []
    finally:
        await writer.close()
        await reader.close()


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(paragraph_texts=st.lists(texts, min_size=1, max_size=6).map(tuple), section=st.lists(texts))
async def test_any_text_round_trips_exactly(
    tmp_path: Path, paragraph_texts: tuple[str, ...], section: list[str]
) -> None:
    store = await Store.open(tmp_path / "h.sqlite3")
    try:
        report = make_report(texts=paragraph_texts)
        paragraphs = tuple(
            Paragraph(p.report, p.number, p.text, tuple(section), p.footnotes)
            for p in report.paragraphs
        )
        await put(store, Report(report.meta, paragraphs, report.headings, report.footnotes))
        assert await store.paragraphs(report.symbol) == list(paragraphs)
    finally:
        await store.close()


async def test_migrations_run_in_order_and_a_failing_one_changes_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "m.sqlite3"
    store = await Store.open(path)
    await put(store, make_report())
    await store.close()
    broken = "CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, broken))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="no such table: nowhere"):
        await Store.open(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'extra'").fetchall()
    raw.close()
    fixed = "CREATE TABLE extra (x INTEGER); INSERT INTO extra VALUES (1);"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS[:-1], fixed))
    upgraded = await Store.open(path)
    try:
        assert await upgraded.schema_version() == SCHEMA_VERSION + 1
        assert [p.number for p in await upgraded.paragraphs("S/2099/1")] == [1, 2]
    finally:
        await upgraded.close()
