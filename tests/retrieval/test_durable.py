"""The database file is the truth: a write to a deleted or replaced file is refused, never
claimed; corruption found while serving is a DatabaseFault (the operator's), naming the file."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from retrieval.library import Library
from retrieval.store import DatabaseFault
from tests.conftest import make_report_text

SYMBOL = "S/2099/3"
REPORT = make_report_text(["Couriers moved the hawala money north.", "Brokers kept ledgers."])


def delete_database(path: Path) -> None:
    """Delete a database with its WAL files, as a careless cleanup would."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def corrupt_database(path: Path, page: int = 4096) -> None:
    """Overwrite every page but the header, so the tables are garbage to SQLite."""
    size = path.stat().st_size
    with path.open("r+b") as raw:
        raw.seek(page)
        raw.write(b"\xff" * (size - page))


def symbols_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        found = [symbol for (symbol,) in db.execute("SELECT symbol FROM report ORDER BY symbol")]
    db.close()
    return found


async def test_a_deleted_database_file_refuses_writes(library_factory, bundled_db: Path) -> None:
    library = await library_factory(bundled_db)
    await asyncio.to_thread(delete_database, bundled_db)
    with pytest.raises(DatabaseFault, match="was deleted") as refused:
        await library.ingest(REPORT.encode(), source="r.txt", symbol=SYMBOL)
    assert str(bundled_db) in str(refused.value)
    with pytest.raises(DatabaseFault, match="was deleted"):
        await library.remove("S/2018/80")
    assert SYMBOL not in [r.meta.symbol for r in await library.reports()]
    assert not await asyncio.to_thread(bundled_db.exists)


async def test_a_replaced_database_file_refuses_writes(
    library_factory, bundled_db: Path, bundled_db_template: Path, tmp_path: Path
) -> None:
    library = await library_factory(bundled_db)
    other = tmp_path / "restored.sqlite3"
    shutil.copyfile(bundled_db_template, other)
    os.replace(other, bundled_db)  # e.g. a backup restored over the live file
    with pytest.raises(DatabaseFault, match="was replaced"):
        await library.ingest(REPORT.encode(), source="r.txt", symbol=SYMBOL)
    assert SYMBOL not in symbols_in(bundled_db)
    assert SYMBOL not in [r.meta.symbol for r in await library.reports()]


async def test_corruption_found_while_serving_is_a_database_fault(
    library_factory, bundled_db: Path
) -> None:
    library = await library_factory(bundled_db)
    await asyncio.to_thread(corrupt_database, bundled_db)
    with pytest.raises(DatabaseFault, match="malformed") as fault:
        await library.ask("oil revenue")
    assert str(bundled_db) in str(fault.value)
    assert str(bundled_db) not in DatabaseFault.public


async def test_a_write_still_works_when_the_file_is_untouched(library: Library) -> None:
    result = await library.ingest(REPORT.encode(), source="r.txt", symbol=SYMBOL)
    assert result.status == "added"
    assert (await library.cite(SYMBOL, 2))[0].text == "Brokers kept ledgers."
