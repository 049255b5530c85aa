"""Shared fixtures: real SQLite databases in tmp_path, built from the bundled corpus once a session.

- `db_path`: a path in tmp_path where no database exists yet (Library.open will create it).
- `bundled_db`: a fresh copy of a database holding the bundled reports, for tests that open it
  themselves (CLI subprocesses, read-only opens).
- `library`: an open Library on a fresh copy of that database, closed at teardown.
- `library_factory`: `await library_factory(path=None, **Library.open kwargs)` opens more
  libraries (default: another fresh bundled copy); all are closed at teardown.
- `table_checksums`: `table_checksums(path) -> {table: sha256}` for "the database is unchanged".
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from retrieval.library import Library

LibraryFactory = Callable[..., Awaitable[Library]]


def checksum_tables(path: Path) -> dict[str, str]:
    """A digest of every row of every table (and the schema version), read with plain sqlite3."""
    digests: dict[str, str] = {}
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        digests["user_version"] = str(db.execute("PRAGMA user_version").fetchone()[0])
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            digest = hashlib.sha256()
            for row in db.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()
    db.close()
    return digests


async def _build(path: Path) -> None:
    library = await Library.open(path)
    await library.close()


@pytest.fixture(scope="session")
def bundled_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus built once per session; copy it (bundled_db), never open it."""
    path = tmp_path_factory.mktemp("bundled") / "reportbot.sqlite3"
    # A worker thread has no running event loop, whatever pytest-asyncio is doing here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _build(path)).result()
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database goes; nothing exists there yet."""
    return tmp_path / "reportbot.sqlite3"


@pytest.fixture
def bundled_db(bundled_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the bundled database (the template is closed, so a file copy is safe)."""
    target = tmp_path / "bundled.sqlite3"
    shutil.copyfile(bundled_db_template, target)
    return target


@pytest.fixture
async def library(bundled_db: Path) -> AsyncIterator[Library]:
    """An open Library holding the bundled reports, on a database no other test sees."""
    opened = await Library.open(bundled_db, bootstrap=False)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def library_factory(
    bundled_db_template: Path, tmp_path: Path
) -> AsyncIterator[LibraryFactory]:
    """Open libraries on demand; each call without a path gets its own bundled copy."""
    opened: list[Library] = []
    copies = iter(range(1_000_000))

    async def open_library(path: Path | None = None, **kwargs: Any) -> Library:
        if path is None:
            path = tmp_path / f"factory-{next(copies)}.sqlite3"
            shutil.copyfile(bundled_db_template, path)
            kwargs.setdefault("bootstrap", False)
        library = await Library.open(path, **kwargs)
        opened.append(library)
        return library

    try:
        yield open_library
    finally:
        for library in opened:
            await library.close()


@pytest.fixture
def table_checksums() -> Callable[[Path], dict[str, str]]:
    """`table_checksums(path)`: compare before/after to prove a failed command changed nothing."""
    return checksum_tables


def make_report_text(
    paragraphs: list[str], *, title: str = "Report of the Secretary-General"
) -> str:
    """A small report in the bundled S/2016/501 layout: title, a heading, numbered paragraphs."""
    lines = [title, "I. Introduction"]
    lines.extend(f"{number}. {text}" for number, text in enumerate(paragraphs, start=1))
    return "\n".join(lines) + "\n"


@pytest.fixture
def report_text() -> Callable[..., str]:
    """`report_text(["a paragraph", ...], title=...)`: text the parser accepts (add --symbol)."""
    return make_report_text


# ---------------------------------------------------------------- the series (issue 11)


async def _build_series(path: Path) -> None:
    from tests.series_reports import SEVENTH, seventh_report_text

    library = await Library.open(path, bootstrap=False)
    try:
        sixth = await library.export("S/2018/80")
        text = seventh_report_text(sixth).encode()
        await library.ingest(text, source="seventh.txt", symbol=SEVENTH)
    finally:
        await library.close()


@pytest.fixture(scope="session")
def series_db_template(bundled_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus plus the generated seventh report (tests/series_reports.py), once."""
    path = tmp_path_factory.mktemp("series") / "reportbot.sqlite3"
    shutil.copyfile(bundled_db_template, path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _build_series(path)).result()
    return path


@pytest.fixture
def series_db(series_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the three-report database."""
    target = tmp_path / "series.sqlite3"
    shutil.copyfile(series_db_template, target)
    return target


@pytest.fixture
async def series_library(series_db: Path) -> AsyncIterator[Library]:
    """An open Library holding S/2016/501, S/2018/80 and the generated S/2018/770."""
    opened = await Library.open(series_db, bootstrap=False)
    try:
        yield opened
    finally:
        await opened.close()
