"""The memory-mapped copy of the stored index: used when it is the database's current index,
ignored (the blobs are read) when missing, damaged or of another index; never the truth."""

from __future__ import annotations

import asyncio
import errno
import mmap
import os
import resource
import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from retrieval import index
from retrieval import index_file as index_file_module
from retrieval.index_file import (
    fault_in_pages,
    index_dir,
    index_file,
    map_index_file,
    write_index_file,
)
from retrieval.library import Library
from retrieval.store import Store
from tests.conftest import make_report_text

QUESTION = "revenues from oil and gas fields"


def stored_index_id(db: Path) -> str:
    with sqlite3.connect(db) as raw:
        (index_id,) = raw.execute("SELECT index_id FROM library_version").fetchone()
    raw.close()
    return str(index_id)


def files_in(db: Path) -> list[str]:
    return sorted(p.name for p in index_dir(db).glob("*"))


async def cites(library: Library) -> list[str]:
    return [h.citation for h in (await library.ask(QUESTION, k=5)).hits]


def refuse_blob_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_blobs(self: Store) -> dict[str, bytes]:
        raise AssertionError("the index was read out of SQLite")

    monkeypatch.setattr(Store, "blobs", no_blobs)


async def test_a_second_start_maps_the_file_instead_of_reading_blobs(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await library_factory(bundled_db)
    expected = await cites(first)
    index_id = await asyncio.to_thread(stored_index_id, bundled_db)
    assert await asyncio.to_thread(files_in, bundled_db) == [f"{index_id}.bin"]
    refuse_blob_reads(monkeypatch)
    second = await library_factory(bundled_db)
    assert await cites(second) == expected


async def test_an_ingest_keeps_the_file_and_a_merge_replaces_it(
    library_factory, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = await library_factory(bundled_db)
    old_id = await asyncio.to_thread(stored_index_id, bundled_db)
    text = make_report_text(["Revenues from oil and gas fields fell in the north."])
    await writer.ingest(text.encode(), source="new.txt", symbol="S/2099/2")
    assert await asyncio.to_thread(stored_index_id, bundled_db) == old_id  # a tier, not a base
    assert await asyncio.to_thread(files_in, bundled_db) == [f"{old_id}.bin"]
    refuse_blob_reads(monkeypatch)
    reader = await library_factory(bundled_db)
    assert "S/2099/2, para. 1" in await cites(reader)
    monkeypatch.undo()
    await writer.merge_index()
    new_id = await asyncio.to_thread(stored_index_id, bundled_db)
    assert new_id != old_id
    assert await asyncio.to_thread(files_in, bundled_db) == [f"{new_id}.bin"]
    refuse_blob_reads(monkeypatch)
    again = await library_factory(bundled_db)
    assert await cites(again) == await cites(reader)
    assert "S/2099/2, para. 1" in await cites(again)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "another index"])
async def test_a_damaged_or_foreign_file_is_ignored(
    library_factory, bundled_db: Path, tmp_path: Path, damage: str
) -> None:
    first = await library_factory(bundled_db)
    expected = await cites(first)
    await first.close()
    path = index_file(bundled_db, await asyncio.to_thread(stored_index_id, bundled_db))
    if damage == "truncated":
        data = await asyncio.to_thread(path.read_bytes)
        await asyncio.to_thread(path.write_bytes, data[: len(data) // 2])
    elif damage == "garbage":
        await asyncio.to_thread(path.write_bytes, b"\xff" * 4096)
    else:  # a file written for a different index, under this index's name
        other = tmp_path / "other.sqlite3"
        blobs = {"index/meta": b"{}"}
        assert await asyncio.to_thread(write_index_file, other, "feedface", blobs)
        await asyncio.to_thread(shutil.copyfile, index_file(other, "feedface"), path)
    again = await library_factory(bundled_db)
    assert await cites(again) == expected


async def test_an_index_stored_with_other_bm25_parameters_is_rebuilt(
    library_factory, db_path: Path, bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database indexed by a release with other k1/b answers as one indexed today."""
    monkeypatch.setattr("retrieval.index.K1", index.K1 + 0.6)
    monkeypatch.setattr("retrieval.index.B", index.B + 0.15)
    old = await library_factory(db_path, bootstrap=True)
    await old.close()
    stale_id = await asyncio.to_thread(stored_index_id, db_path)
    monkeypatch.undo()
    reopened = await library_factory(db_path)
    assert await asyncio.to_thread(stored_index_id, db_path) != stale_id
    assert await asyncio.to_thread(files_in, db_path) == [
        f"{await asyncio.to_thread(stored_index_id, db_path)}.bin"
    ]
    assert await cites(reopened) == await cites(await library_factory(bundled_db))


def test_an_unwritable_folder_means_no_file_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "db.sqlite3.index"
    blocker.write_text("a file where the folder should be")
    assert not write_index_file(tmp_path / "db.sqlite3", "abc", {"x": b"1"})
    assert map_index_file(tmp_path / "db.sqlite3", "abc") is None


def test_a_written_file_maps_back_to_the_same_bytes(tmp_path: Path) -> None:
    blobs = {"small": b"{}", "big": bytes(range(256)) * 5000, "empty": b""}
    assert write_index_file(tmp_path / "db.sqlite3", "cafe", blobs)
    mapped = map_index_file(tmp_path / "db.sqlite3", "cafe")
    assert mapped is not None
    assert {name: bytes(data) for name, data in mapped.items()} == blobs
    assert isinstance(mapped["big"], memoryview)  # not copied
    assert map_index_file(tmp_path / "db.sqlite3", "beef") is None


def _faults_touching(data: memoryview) -> int:
    """Minor page faults this thread takes reading one byte of every page of `data`."""
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    np.frombuffer(data, dtype=np.uint8)[:: mmap.PAGESIZE].max()
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before


@pytest.mark.skipif(not hasattr(resource, "RUSAGE_THREAD"), reason="Linux's per-thread counts")
@pytest.mark.parametrize("populate", [True, False], ids=["madvise", "touching pages"])
def test_a_mapping_faulted_in_behind_the_open_costs_the_reader_no_page_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, populate: bool
) -> None:
    if not populate:  # an older kernel or another system: the fallback touches every page
        monkeypatch.setattr(index_file_module, "_MADV_POPULATE_READ", None)
    blobs = {"postings": np.random.default_rng(7).bytes(64 << 20)}
    assert write_index_file(tmp_path / "db.sqlite3", "cafe", blobs)

    cold = map_index_file(tmp_path / "db.sqlite3", "cafe")
    assert cold is not None
    cold_faults = _faults_touching(cold["postings"])  # 16,384 pages, mapped a folio at a fault
    assert cold_faults >= 16

    threads = set(threading.enumerate())
    warm = map_index_file(tmp_path / "db.sqlite3", "cafe", fault_in=True)
    assert warm is not None
    for thread in set(threading.enumerate()) - threads:
        thread.join(10)
    assert _faults_touching(warm["postings"]) * 4 <= cold_faults
    assert bytes(warm["postings"]) == blobs["postings"]


class _Refusing(mmap.mmap):
    """A mapping whose madvise fails as a kernel would, counting the calls."""

    error = errno.EIO
    calls = 0

    def madvise(self, *_: int) -> None:  # type: ignore[override]
        type(self).calls += 1
        raise OSError(self.error, os.strerror(self.error))


@pytest.mark.parametrize(
    ("error", "calls", "touched"),
    [(errno.EINVAL, 1, True), (errno.EIO, 1, False)],
    ids=["no MADV_POPULATE_READ: touch the pages", "an unreadable page: stop"],
)
def test_the_fault_in_touches_pages_only_when_the_kernel_lacks_populate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: int, calls: int, touched: bool
) -> None:
    monkeypatch.setattr(index_file_module, "_MADV_POPULATE_READ", 22)
    monkeypatch.setattr(index_file_module, "_FAULT_IN_CHUNK", 1 << 20)
    path = tmp_path / "blob"
    path.write_bytes(b"\1" * (4 << 20))
    with path.open("rb") as raw:
        mapped = _Refusing(raw.fileno(), 0, access=mmap.ACCESS_READ)
    touches: list[int] = []
    real_frombuffer = np.frombuffer

    def frombuffer(buffer: object, *args: object, **kwargs: object) -> np.ndarray:
        if buffer is mapped:  # this mapping's pages touched (not another thread's arrays)
            touches.append(1)
        return real_frombuffer(buffer, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(index_file_module.np, "frombuffer", frombuffer)
    _Refusing.error, _Refusing.calls = error, 0
    fault_in_pages(mapped)
    assert _Refusing.calls == calls  # asked once, never again after a refusal
    assert len(touches) == (4 if touched else 0)  # each 1 MiB chunk touched, or none
