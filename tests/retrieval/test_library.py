"""The Library on real SQLite: bootstrap, lookups with helpful errors, atomic ingest and remove."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrieval.library as library_module
from corpus.errors import UserError
from corpus.model import Paragraph
from retrieval.errors import UnknownParagraph, UnknownReport
from retrieval.index_file import index_dir
from retrieval.library import Library, number_ranges, symbol_order
from retrieval.store import StoreError

PARAGRAPHS = [
    "The Monitoring Team observed that the group moved its remaining funds through hawala "
    "networks in the border region during the reporting period.",
    "Member States reported that returning foreign terrorist fighters posed a sustained risk "
    "to prisons, where radicalization continued despite new programmes.",
    "The Office of Counter-Terrorism delivered capacity-building assistance on aviation "
    "security and on the use of advance passenger information.",
]


def new_report(text_of: list[str], report_text) -> bytes:
    return report_text(text_of, title="Report of the Secretary-General on testing").encode()


async def test_a_new_database_is_built_from_the_bundled_corpus(db_path: Path) -> None:
    lines: list[str] = []
    async with await Library.open(db_path, progress=lines.append) as library:
        reports = await library.reports()
        assert [(r.meta.symbol, r.paragraph_count) for r in reports] == [
            ("S/2016/501", 91),
            ("S/2018/80", 86),
        ]
        assert reports[1].meta.date == dt.date(2018, 1, 31)
        assert len(await library.export()) == 91 + 86
    assert any("S/2016/501 (91 paragraphs)" in line for line in lines)
    assert any("S/2018/80 (86 paragraphs)" in line for line in lines)
    assert all(db_path.name in line for line in lines)


async def test_without_bootstrap_a_new_database_is_empty(db_path: Path) -> None:
    async with await Library.open(db_path, bootstrap=False) as library:
        assert await library.reports() == []
        assert await library.export() == []
        with pytest.raises(UnknownReport, match="library is empty"):
            await library.cite("S/2018/80", 1)


async def test_removing_every_report_does_not_bring_the_bundled_ones_back(
    library_factory, db_path: Path
) -> None:
    library = await library_factory(db_path)
    for summary in await library.reports():
        await library.remove(summary.meta.symbol)
    await library.close()
    reopened = await library_factory(db_path)
    assert await reopened.reports() == []


@pytest.mark.parametrize("typed", ["S/2018/80", "s/2018/80", " S / 2018 / 80 ", "S-2018-80"])
async def test_report_symbols_are_typed_loosely(library: Library, typed: str) -> None:
    assert await library.resolve_report(typed) == "S/2018/80"


async def test_an_unknown_report_names_the_known_ones_and_the_closest(library: Library) -> None:
    with pytest.raises(UnknownReport) as caught:
        await library.cite("S/2018/81", 3)
    assert str(caught.value) == (
        "no report S/2018/81 (known: S/2016/501, S/2018/80; did you mean S/2018/80?)"
    )


async def test_cite_returns_the_paragraph_and_ranges_in_order(library: Library) -> None:
    [one] = await library.cite("S/2018/80", 13)
    assert one.citation == "S/2018/80, para. 13"
    assert "revenues" in one.text
    several = await library.cite("s/2018/80", 12, 14)
    assert [p.number for p in several] == [12, 13, 14]
    assert several[1] == one


@pytest.mark.parametrize(("first", "last"), [(87, None), (0, None), (85, 88), (-3, 2)])
async def test_an_unknown_paragraph_says_which_exist(
    library: Library, first: int, last: int | None
) -> None:
    with pytest.raises(UnknownParagraph, match=r"S/2018/80 has paragraphs 1-86$"):
        await library.cite("S/2018/80", first, last)


async def test_a_backwards_range_is_refused(library: Library) -> None:
    with pytest.raises(UserError, match="runs backwards"):
        await library.cite("S/2018/80", 14, 12)


async def test_export_is_in_citation_order(library: Library) -> None:
    paragraphs = await library.export()
    keys = [(symbol_order(p.report), p.number) for p in paragraphs]
    assert keys == sorted(keys)
    assert [p.number for p in await library.export("s/2016/501")] == list(range(1, 92))


async def test_ingest_adds_then_identical_text_changes_nothing(
    library: Library, bundled_db: Path, report_text, table_checksums
) -> None:
    data = new_report(PARAGRAPHS, report_text)
    added = await library.ingest(data, source="test.txt", symbol="S/2099/1")
    assert (added.symbol, added.status, added.paragraph_count) == ("S/2099/1", "added", 3)
    before = table_checksums(bundled_db)
    again = await library.ingest(data, source="test.txt", symbol="S/2099/1")
    assert again.status == "unchanged"
    assert table_checksums(bundled_db) == before
    assert [r.meta.symbol for r in await library.reports()][-1] == "S/2099/1"


async def test_changed_text_replaces_the_whole_report(library: Library, report_text) -> None:
    await library.ingest(new_report(PARAGRAPHS, report_text), source="a", symbol="S/2099/1")
    edited = [PARAGRAPHS[0], PARAGRAPHS[1] + " The risk is growing."]
    result = await library.ingest(new_report(edited, report_text), source="b", symbol="S/2099/1")
    assert (result.status, result.paragraph_count) == ("replaced", 2)
    assert [p.text for p in await library.export("S/2099/1")] == edited
    with pytest.raises(UnknownParagraph, match="has paragraphs 1-2"):
        await library.cite("S/2099/1", 3)


async def test_an_ingested_report_can_be_found_by_ask(library: Library, report_text) -> None:
    await library.ingest(new_report(PARAGRAPHS, report_text), source="a", symbol="S/2099/1")
    answer = await library.ask("hawala networks border region", report="S/2099/1")
    assert [hit.citation for hit in answer.hits][:1] == ["S/2099/1, para. 1"]


async def test_a_failing_index_build_keeps_the_previous_copy(
    library: Library, bundled_db: Path, report_text, table_checksums, monkeypatch
) -> None:
    await library.ingest(new_report(PARAGRAPHS, report_text), source="a", symbol="S/2099/1")
    before = table_checksums(bundled_db)

    def broken(*args: object, **kwargs: object) -> object:
        raise MemoryError("index build failed")

    # the index change runs inside the transaction
    monkeypatch.setattr(library_module.TieredIndex, "with_changes", broken)
    with pytest.raises(MemoryError):
        await library.ingest(new_report(PARAGRAPHS[:2], report_text), source="b", symbol="S/2099/1")
    monkeypatch.setattr(library_module, "build_segment", broken)  # runs before it
    with pytest.raises(MemoryError):
        await library.ingest(new_report(PARAGRAPHS[:1], report_text), source="c", symbol="S/2099/1")
    assert table_checksums(bundled_db) == before
    assert [p.text for p in await library.export("S/2099/1")] == PARAGRAPHS


async def test_remove_deletes_the_report_and_keeps_the_others(
    library_factory, bundled_db: Path
) -> None:
    library = await library_factory(bundled_db)
    removed = await library.remove("s/2016/501")
    assert (removed.meta.symbol, removed.paragraph_count) == ("S/2016/501", 91)
    assert [r.meta.symbol for r in await library.reports()] == ["S/2018/80"]
    with pytest.raises(UnknownReport, match="known: S/2018/80"):
        await library.cite("S/2016/501", 1)
    await library.close()
    reopened = await library_factory(bundled_db)
    assert [p.report for p in await reopened.export()] == ["S/2018/80"] * 86
    assert (await reopened.cite("S/2018/80", 86))[0].number == 86


async def test_read_only_library_reads_and_refuses_changes(
    library_factory, bundled_db: Path, report_text
) -> None:
    before = await asyncio.to_thread(bundled_db.read_bytes)
    library = await library_factory(bundled_db, read_only=True)
    assert len(await library.export()) == 91 + 86
    with pytest.raises(StoreError, match="read-only"):
        await library.ingest(new_report(PARAGRAPHS, report_text), source="a", symbol="S/2099/1")
    with pytest.raises(StoreError, match="read-only"):
        await library.remove("S/2018/80")
    assert await asyncio.to_thread(bundled_db.read_bytes) == before


async def _worst_loop_gap(library: Library, data: bytes, symbol: str) -> tuple[int, float]:
    """Ingest while a ticker measures the longest the event loop went without running."""
    worst_gap_s = 0.0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal worst_gap_s
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            worst_gap_s = max(worst_gap_s, now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        result = await library.ingest(data, source="big.txt", symbol=symbol)
    finally:
        done.set()
        await ticker
    return result.paragraph_count, worst_gap_s


async def test_ingest_keeps_the_event_loop_responsive(library_factory, report_text) -> None:
    """Parsing and indexing run in threads, so a bot's heartbeat is never starved."""
    sentence = "Member States described new methods used to move funds across borders. "
    big = [f"{sentence * 12}({i})" for i in range(1000)]  # about 0.9 MB of text
    library = await library_factory(semantic=False)  # the model's share: the next test
    count, worst_gap_s = await _worst_loop_gap(library, new_report(big, report_text), "S/2099/2")
    assert count == 1000
    assert worst_gap_s < 0.5


async def test_encoding_at_ingest_keeps_the_event_loop_responsive(
    library: Library, report_text
) -> None:
    """The semantic layer encodes new paragraphs in a thread too."""
    sentence = "Member States described new methods used to move funds across borders. "
    paragraphs = [f"{sentence * 6}({i})" for i in range(60)]
    count, worst_gap_s = await _worst_loop_gap(
        library, new_report(paragraphs, report_text), "S/2099/3"
    )
    assert count == 60
    assert worst_gap_s < 0.5


def test_number_ranges_compacts_runs() -> None:
    assert number_ranges([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"
    assert number_ranges([4]) == "4"
    assert number_ranges([]) == "none"


def test_symbols_sort_by_year_then_number() -> None:
    symbols = ["S/2018/80", "S/2016/830", "S/2016/92", "S/2017/467"]
    assert sorted(symbols, key=symbol_order) == [
        "S/2016/92",
        "S/2016/830",
        "S/2017/467",
        "S/2018/80",
    ]


def to_json_lines(paragraphs: list[Paragraph]) -> bytes:
    rows = [
        {
            "report": p.report,
            "number": p.number,
            "text": p.text,
            "section": list(p.section),
            "footnotes": [{"number": f.number, "text": f.text} for f in p.footnotes],
        }
        for p in paragraphs
    ]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()


edits = st.tuples(
    st.sampled_from(["S/2016/501", "S/2018/80"]),
    st.integers(min_value=0, max_value=85),
    st.sampled_from([" Added sentence.", " (see annex)", " — and café, Da’esh", ""]),
)


@settings(max_examples=8, deadline=None)
@given(edit=edits)
def test_export_then_ingest_round_trips_with_small_edits(
    bundled_db_template: Path, edit: tuple[str, int, str]
) -> None:
    symbol, index, suffix = edit

    async def round_trip(path: Path) -> None:
        async with await Library.open(path, bootstrap=False) as library:
            original = await library.export(symbol)
            edited = list(original)
            target = edited[index]
            edited[index] = Paragraph(
                target.report, target.number, target.text + suffix, target.section, target.footnotes
            )
            result = await library.ingest(to_json_lines(edited), source="export.jsonl")
            assert result.symbol == symbol
            assert await library.export(symbol) == edited
            others = [p for p in await library.export() if p.report != symbol]
            assert len(others) == {"S/2016/501": 86, "S/2018/80": 91}[symbol]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.sqlite3"
        shutil.copyfile(bundled_db_template, path)
        asyncio.run(round_trip(path))


def spoil_index(path: Path, *, segments: bool) -> None:
    """Make the stored index unreadable, as an index format change in an upgrade would."""
    for mapped in index_dir(path).glob("*.bin"):  # the memory-mapped copy is of that format too
        mapped.write_bytes(b"\x00")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE index_blob SET data = x'00'")
        if segments:
            db.execute("UPDATE index_segment SET data = x'00'")
    db.close()


async def ask_cites(library: Library) -> list[str]:
    answer = await library.ask("revenues from oil and gas fields", report="S/2018/80")
    return [hit.citation for hit in answer.hits]


@pytest.mark.parametrize("segments", [False, True], ids=["blobs", "blobs and segments"])
async def test_an_unreadable_index_is_rebuilt_and_saved(
    library_factory, bundled_db: Path, segments: bool
) -> None:
    library = await library_factory(bundled_db)
    expected = await ask_cites(library)
    await library.close()
    assert expected
    await asyncio.to_thread(spoil_index, bundled_db, segments=segments)
    lines: list[str] = []
    repaired = await library_factory(bundled_db, progress=lines.append)
    assert await ask_cites(repaired) == expected
    assert any("re-indexing" in line for line in lines) == segments
    await repaired.close()
    lines.clear()
    again = await library_factory(bundled_db, progress=lines.append)
    assert await ask_cites(again) == expected
    assert lines == []
    with sqlite3.connect(bundled_db) as db:
        assert b"\x00" not in {data for (data,) in db.execute("SELECT data FROM index_blob")}
    db.close()


async def test_a_read_only_library_rebuilds_in_memory_only(
    library_factory, bundled_db: Path
) -> None:
    await asyncio.to_thread(spoil_index, bundled_db, segments=True)
    before = await asyncio.to_thread(bundled_db.read_bytes)
    library = await library_factory(bundled_db, read_only=True)
    assert await ask_cites(library)
    assert await asyncio.to_thread(bundled_db.read_bytes) == before


async def test_readers_see_the_old_report_until_the_new_one_is_committed(
    library: Library, monkeypatch
) -> None:
    old = await library.export("S/2018/80")
    started, release = threading.Event(), threading.Event()
    real_change = library_module.TieredIndex.with_changes

    def slow_change(*args: object, **kwargs: object) -> object:
        started.set()
        release.wait(timeout=30)
        return real_change(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library_module.TieredIndex, "with_changes", slow_change)
    edited = [
        Paragraph(p.report, p.number, p.text + " Edited.", p.section, p.footnotes) for p in old
    ]
    data = to_json_lines(edited)
    ingest = asyncio.create_task(library.ingest(data, source="new.jsonl"))
    try:
        assert await asyncio.to_thread(started.wait, 30)  # the write transaction is open now
        assert await library.export("S/2018/80") == old
        assert (await library.cite("S/2018/80", 86))[0] == old[-1]
    finally:
        release.set()
    assert (await ingest).status == "replaced"
    assert await library.export("S/2018/80") == edited
