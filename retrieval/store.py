"""SQLite edge: schema, numbered migrations, atomic writes, lookups. All SQL lives here."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import aiosqlite

from corpus.errors import UserError
from corpus.model import Footnote, Heading, Paragraph, ReportMeta

# One script per schema version; user_version N means scripts[:N] have run. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE report (
        symbol TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        date TEXT,
        ordinal INTEGER,
        language TEXT NOT NULL DEFAULT 'en',
        source TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE heading (
        report TEXT NOT NULL REFERENCES report (symbol) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        title TEXT NOT NULL,
        level INTEGER NOT NULL,
        PRIMARY KEY (report, position)
    );
    CREATE TABLE paragraph (
        report TEXT NOT NULL REFERENCES report (symbol) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        section TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (report, number)
    );
    CREATE TABLE footnote (
        report TEXT NOT NULL REFERENCES report (symbol) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (report, number)
    );
    CREATE TABLE paragraph_footnote (
        report TEXT NOT NULL,
        paragraph INTEGER NOT NULL,
        footnote INTEGER NOT NULL,
        PRIMARY KEY (report, paragraph, footnote),
        FOREIGN KEY (report, paragraph) REFERENCES paragraph (report, number) ON DELETE CASCADE,
        FOREIGN KEY (report, footnote) REFERENCES footnote (report, number) ON DELETE CASCADE
    );
    CREATE TABLE heading_footnote (
        report TEXT NOT NULL,
        heading INTEGER NOT NULL,
        footnote INTEGER NOT NULL,
        PRIMARY KEY (report, heading, footnote),
        FOREIGN KEY (report, heading) REFERENCES heading (report, position) ON DELETE CASCADE,
        FOREIGN KEY (report, footnote) REFERENCES footnote (report, number) ON DELETE CASCADE
    );
    CREATE TABLE index_segment (
        report TEXT PRIMARY KEY REFERENCES report (symbol) ON DELETE CASCADE,
        data BLOB NOT NULL
    );
    CREATE TABLE index_blob (
        name TEXT PRIMARY KEY,
        data BLOB NOT NULL
    );
    -- Small facts about the database itself, e.g. that the bundled corpus was loaded.
    CREATE TABLE library_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: the semantic layer's paragraph vectors, one blob per report and model
    # (retrieval/vectors.py), deleted with their report.
    """
    CREATE TABLE report_vectors (
        report TEXT NOT NULL REFERENCES report (symbol) ON DELETE CASCADE,
        model TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (report, model)
    );
    """,
    # 3: the database generation and the stored index's (snapshot reads, retrieval/library.py).
    """
    -- Every committed change to the reports bumps `generation` (the triggers see every write
    -- path); the stored index records the generation it was built from. A reader compares the
    -- two to tell a current index from a stale one, and checks each paragraph read against it.
    -- `index_id` names the stored index (and its memory-mapped copy, retrieval/index_file.py).
    CREATE TABLE library_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        index_generation INTEGER,
        index_id TEXT
    );
    INSERT INTO library_version (id, generation) VALUES (1, 1);
    CREATE TRIGGER report_inserted AFTER INSERT ON report
    BEGIN UPDATE library_version SET generation = generation + 1; END;
    CREATE TRIGGER report_deleted AFTER DELETE ON report
    BEGIN UPDATE library_version SET generation = generation + 1; END;
    CREATE TRIGGER report_updated AFTER UPDATE ON report
    BEGIN UPDATE library_version SET generation = generation + 1; END;
    """,
    # 4: the tiered index (retrieval/tiered.py). The stored index is a base built from some
    # versions of the reports; a report replaced or removed since is a tombstone, and its
    # segment as the base indexed it is kept here until the base is rebuilt, so any process
    # can subtract exactly what the base counted for it.
    """
    CREATE TABLE index_retired (
        report TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (report, content_hash)
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_S = 10.0  # another process's ingest holds the write lock while it re-indexes


class StoreError(UserError):
    """The database cannot be used as asked (corrupt, too new, read-only, locked); says which."""


class DatabaseFault(StoreError):
    """The database broke under a running process (deleted, replaced, corrupt): the operator's
    problem, not the asker's. str() names the file for the log; `public` is what members see."""

    public = (
        "The reports database is not working right now, so nothing was read or changed. "
        "The operator has been alerted; please try again later."
    )


@dataclass(frozen=True)
class IndexState:
    """Which index is stored: the data's generation, the index's, and the index's id."""

    generation: int
    index_generation: int | None
    index_id: str | None

    @property
    def is_current(self) -> bool:
        return self.index_id is not None and self.index_generation == self.generation


@dataclass(frozen=True)
class StoredReport:
    """A report's row plus its sizes, as listings and the index loader need them."""

    meta: ReportMeta
    source: str
    content_hash: str
    paragraph_count: int
    footnote_count: int


class ParagraphReader:
    """Store.fetch_paragraphs_at without the event loop: for a worker thread that has the keys.

    One sqlite3 connection behind a lock (one statement at a time, as aiosqlite's one thread
    would run them); its errors read as the Store's do once serving. The paragraphs it read
    last (up to CACHED_PARAGRAPHS) are kept with the generation they were read at: a read whose
    paragraphs are all kept asks the database only for its generation (a one-row statement,
    so a change by any process is still seen at once), and any change of generation drops them.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.Lock()
        self._generation: int | None = None  # the kept paragraphs' generation
        self._kept: dict[tuple[str, int], Paragraph] = {}

    def fetch_paragraphs_at(self, keys: Sequence[tuple[str, int]]) -> tuple[int, list[Paragraph]]:
        """The generation and the paragraphs named by keys (keys' order), all of that one
        generation (read in one statement, or kept from one and checked against it)."""
        with self._lock:
            kept = self._kept
            have = {key: kept[key] for key in keys if key in kept}
            if len(have) < len(set(keys)):
                missing = [key for key in keys if key not in have]
                generation, found = self._read(_PARAGRAPHS_AT, _keys_parameter(missing))
            else:
                generation, found = self._read(_GENERATION, ())
            if generation != self._generation:
                kept.clear()
                self._generation = generation
                if have:  # kept from another generation: read them all again
                    have = {}
                    generation, found = self._read(_PARAGRAPHS_AT, _keys_parameter(keys))
                    self._generation = generation
            for paragraph in found:
                key = paragraph.report, paragraph.number
                have[key] = paragraph
                if len(kept) >= CACHED_PARAGRAPHS:
                    del kept[next(iter(kept))]  # the oldest read
                kept[key] = paragraph
            return generation, [have[key] for key in keys if key in have]

    def _read(self, statement: str, parameters: tuple[str, ...]) -> tuple[int, list[Paragraph]]:
        try:
            rows = self._conn.execute(statement, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            text = str(error)
            if "locked" in text or "busy" in text:
                raise StoreError(
                    "the reports database is busy (another process is writing); try again"
                ) from error
            raise DatabaseFault(f"{self.path}: {text}") from error
        return _paragraphs_at(rows)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class Store:
    """One aiosqlite connection; writes happen only inside `transaction()`."""

    def __init__(
        self,
        db: aiosqlite.Connection,
        path: Path,
        *,
        read_only: bool,
        database: tuple[str, bool] | None = None,
    ) -> None:
        self._db = db
        self.path = path
        self._database = database or (str(path), False)  # what was connected to, and if a URI
        self.read_only = read_only
        self.created = False  # True when open() found no schema and made one
        self._in_transaction = False
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file we opened
        self._serving = False  # past open(): a broken database is now the operator's problem

    @classmethod
    async def open(cls, path: Path | str, *, read_only: bool = False) -> Store:
        """Connect, set pragmas and migrate; a corrupt or foreign file is a StoreError."""
        path = Path(path)
        if read_only:
            return await _open_read_only(path)
        if not path.parent.is_dir():
            raise StoreError(f"cannot create {path}: the folder {path.parent} does not exist")
        db = await _connect(str(path), uri=False, label=path)
        store = cls(db, path, read_only=False)
        try:
            await store._prepare_writable()
            store._identity = _file_identity(path)
        except BaseException:
            await db.close()
            raise
        store._serving = True
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _prepare_writable(self) -> None:
        async with self._errors():
            await self._run("PRAGMA foreign_keys = ON")
            await self._run(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            version = await self.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(_too_new(self.path, version))
            await self._run("PRAGMA journal_mode = WAL")
            await self._run("PRAGMA synchronous = NORMAL")
            self.created = version == 0
            for number in range(version, SCHEMA_VERSION):
                await self._migrate(number)

    async def _migrate(self, index: int) -> None:
        # executescript commits any open transaction first, so each script carries its own.
        version = f"PRAGMA user_version = {index + 1};"
        script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[index]}\n{version}\nCOMMIT;"
        try:
            await self._db.executescript(script)
        except BaseException:
            await self._rollback_quietly()
            raise

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _errors(self) -> AsyncIterator[None]:
        """Turn SQLite's errors into a message that names the file.

        While opening, a bad file is the caller's to fix (the CLI shows the path). Once serving,
        a busy database is a "try again" for the user, anything else (corruption, I/O) is a
        DatabaseFault: logged for the operator, never shown with its path to members.
        """
        try:
            yield
        except sqlite3.DatabaseError as error:
            text = str(error)
            if not self._serving:
                raise StoreError(f"{self.path}: {_describe(error)}") from error
            if "locked" in text or "busy" in text:
                raise StoreError(
                    "the reports database is busy (another process is writing); try again"
                ) from error
            raise DatabaseFault(f"{self.path}: {text}") from error

    def check_file(self) -> None:
        """Refuse to write to a database file that was deleted or replaced since it was opened.

        SQLite keeps writing to the open (now unlinked or superseded) file and reports success,
        so a write would be lost at the next start: fail loudly instead.
        """
        if self._identity is None:
            return
        try:
            now = _file_identity(self.path)
        except FileNotFoundError:
            raise DatabaseFault(
                f"{self.path} was deleted while reportbot had it open; nothing was written "
                "(restore the file or restart reportbot)"
            ) from None
        if now != self._identity:
            raise DatabaseFault(
                f"{self.path} was replaced by another file while reportbot had it open; "
                "nothing was written (restart reportbot to use the new file)"
            )

    # ---- writes -----------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        """BEGIN IMMEDIATE … COMMIT; any exception (even cancellation) rolls back everything."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; nothing can be changed")
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        self.check_file()
        async with self._errors():
            await self._run("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield self
            self.check_file()  # the file may have gone while the transaction was open
            async with self._errors():
                await self._run("COMMIT")
        except BaseException:
            await self._rollback_quietly()
            raise
        finally:
            self._in_transaction = False

    @asynccontextmanager
    async def read_transaction(self) -> AsyncIterator[Store]:
        """BEGIN … COMMIT around reads: every statement inside sees one database version."""
        async with self._errors():
            await self._run("BEGIN")
        try:
            yield self
        finally:
            # COMMIT, not ROLLBACK: a rollback would abort other coroutines' statements that
            # are still being read on this connection; ending a read transaction never fails.
            if self._db.in_transaction:
                async with self._errors():
                    await self._run("COMMIT")

    async def _rollback_quietly(self) -> None:
        # A failed COMMIT or statement may already have ended the transaction.
        if self._db.in_transaction:
            await self._run("ROLLBACK")

    def _require_transaction(self) -> None:
        if not self._in_transaction:
            raise RuntimeError("writes must happen inside Store.transaction()")

    async def put_report(
        self,
        meta: ReportMeta,
        paragraphs: Iterable[Paragraph],
        *,
        headings: Sequence[Heading] = (),
        footnotes: Sequence[Footnote] = (),
        source: str,
        content_hash: str,
        segment: bytes | None = None,
    ) -> None:
        """Replace everything stored for `meta.symbol`; paragraphs may be a lazy iterable."""
        self._require_transaction()
        symbol = meta.symbol
        links: list[tuple[str, int, int]] = []
        cited: dict[int, Footnote] = {}
        async with self._errors():
            await self._run("DELETE FROM report WHERE symbol = ?", (symbol,))
            await self._run(
                "INSERT INTO report (symbol, title, date, ordinal, language, source, content_hash,"
                " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    symbol,
                    meta.title,
                    meta.date.isoformat() if meta.date else None,
                    meta.ordinal,
                    meta.language,
                    source,
                    content_hash,
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                ),
            )
            await self._run_many(
                "INSERT INTO paragraph (report, number, text, section) VALUES (?, ?, ?, ?)",
                _paragraph_rows(symbol, paragraphs, links, cited),
            )
            for footnote in footnotes:
                cited[footnote.number] = footnote
            await self._run_many(
                "INSERT INTO footnote (report, number, text) VALUES (?, ?, ?)",
                [(symbol, f.number, f.text) for f in sorted(cited.values(), key=_number)],
            )
            await self._run_many(
                "INSERT INTO paragraph_footnote (report, paragraph, footnote) VALUES (?, ?, ?)",
                links,
            )
            await self._put_headings(symbol, headings)
            if segment is not None:
                await self._run(
                    "INSERT INTO index_segment (report, data) VALUES (?, ?)", (symbol, segment)
                )

    async def _put_headings(self, symbol: str, headings: Sequence[Heading]) -> None:
        await self._run_many(
            "INSERT INTO heading (report, position, label, title, level) VALUES (?, ?, ?, ?, ?)",
            [(symbol, i, h.label, h.title, h.level) for i, h in enumerate(headings)],
        )
        await self._run_many(
            "INSERT INTO heading_footnote (report, heading, footnote) VALUES (?, ?, ?)",
            [(symbol, i, n) for i, h in enumerate(headings) for n in sorted(set(h.footnotes))],
        )

    async def delete_report(self, symbol: str) -> None:
        """Remove a report with its paragraphs, footnotes, headings and index segment."""
        self._require_transaction()
        async with self._errors():
            await self._run("DELETE FROM report WHERE symbol = ?", (symbol,))

    async def put_segment(self, symbol: str, segment: bytes) -> None:
        """Replace one report's index segment (after an index format change)."""
        self._require_transaction()
        async with self._errors():
            await self._run(
                "INSERT INTO index_segment (report, data) VALUES (?, ?)"
                " ON CONFLICT (report) DO UPDATE SET data = excluded.data",
                (symbol, segment),
            )

    async def retire_segment(self, symbol: str) -> bytes | None:
        """Keep a report's current segment (under its content hash) before it is replaced or
        removed: the stored base index may count it. Returns it; None if there is none."""
        self._require_transaction()
        async with self._errors():
            row = await self._one(
                "SELECT r.content_hash, s.data FROM report r"
                " JOIN index_segment s ON s.report = r.symbol WHERE r.symbol = ?",
                (symbol,),
            )
            if row is None:
                return None
            await self._run(
                "INSERT OR IGNORE INTO index_retired (report, content_hash, data) VALUES (?, ?, ?)",
                (symbol, row[0], row[1]),
            )
        return bytes(row[1])

    async def prune_retired(self, keep: Mapping[str, str]) -> None:
        """Forget retired segments except those of the (report, content hash) pairs in `keep`."""
        self._require_transaction()
        async with self._errors():
            rows = await self._all("SELECT report, content_hash FROM index_retired")
            gone = [(r, h) for r, h in rows if keep.get(str(r)) != h]
            await self._run_many(
                "DELETE FROM index_retired WHERE report = ? AND content_hash = ?", gone
            )

    async def put_vectors(self, symbol: str, model: str, data: bytes) -> None:
        """Replace one report's paragraph vectors with `model`'s: another model's vectors are
        never read again (search compares a question only with its own model's), so they go."""
        self._require_transaction()
        async with self._errors():
            await self._run(
                "DELETE FROM report_vectors WHERE report = ? AND model <> ?", (symbol, model)
            )
            await self._run(
                "INSERT INTO report_vectors (report, model, data) VALUES (?, ?, ?)"
                " ON CONFLICT (report, model) DO UPDATE SET data = excluded.data",
                (symbol, model, data),
            )

    async def put_blobs(self, blobs: Mapping[str, bytes]) -> IndexState:
        """Replace the whole global index with `blobs`, built from this transaction's reports.

        Returns the generation the index now belongs to and its new (random) id.
        """
        self._require_transaction()
        async with self._errors():
            await self._run("DELETE FROM index_blob")
            await self._run_many(
                "INSERT INTO index_blob (name, data) VALUES (?, ?)", sorted(blobs.items())
            )
            await self._run(
                "UPDATE library_version SET index_generation = generation, index_id = ?",
                (secrets.token_hex(16),),
            )
        return await self.index_state()

    async def set_state(self, key: str, value: str) -> None:
        self._require_transaction()
        async with self._errors():
            await self._run(
                "INSERT INTO library_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ---- reads ------------------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM library_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def generation(self) -> int:
        """The database's current generation: one indexed row, cheap enough for every answer."""
        row = await self._one("SELECT generation FROM library_version")
        return int(row[0]) if row else 0

    async def reports(self) -> list[StoredReport]:
        """Every stored report with its paragraph and footnote counts (unordered)."""
        return (await self.reports_at())[1]

    async def reports_at(self) -> tuple[int, list[StoredReport]]:
        """Every stored report and the generation they belong to, read in one statement."""
        rows = await self._all(
            "SELECT v.generation, r.symbol, r.title, r.date, r.ordinal, r.language, r.source,"
            " r.content_hash,"
            " (SELECT count(*) FROM paragraph p WHERE p.report = r.symbol),"
            " (SELECT count(*) FROM footnote f WHERE f.report = r.symbol)"
            " FROM library_version v LEFT JOIN report r ON 1"
        )
        generation = int(rows[0][0]) if rows else 0
        return generation, [
            StoredReport(
                meta=ReportMeta(
                    symbol=row[1],
                    title=row[2],
                    date=dt.date.fromisoformat(row[3]) if row[3] else None,
                    ordinal=row[4],
                    language=row[5],
                ),
                source=row[6],
                content_hash=row[7],
                paragraph_count=row[8],
                footnote_count=row[9],
            )
            for row in rows
            if row[1] is not None
        ]

    async def content_hash(self, symbol: str) -> str | None:
        row = await self._one("SELECT content_hash FROM report WHERE symbol = ?", (symbol,))
        return None if row is None else str(row[0])

    async def paragraph_numbers(self, symbol: str) -> list[int]:
        rows = await self._all(
            "SELECT number FROM paragraph WHERE report = ? ORDER BY number", (symbol,)
        )
        return [int(row[0]) for row in rows]

    async def paragraphs(
        self, symbol: str, first: int | None = None, last: int | None = None
    ) -> list[Paragraph]:
        """Paragraphs of one report in number order, optionally only first..last.

        One statement reads paragraphs and footnotes, so they come from one database version.
        """
        lo = -(2**62) if first is None else first
        hi = 2**62 if last is None else last
        rows = await self._all(
            f"SELECT p.report, p.number, p.text, p.section, {_FOOTNOTES_OF_P} FROM paragraph p"
            " WHERE p.report = ? AND p.number BETWEEN ? AND ? ORDER BY p.number",
            (symbol, lo, hi),
        )
        return [_paragraph(row) for row in rows]

    async def fetch_paragraphs(self, keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
        """Paragraphs named by (report, number) keys, in the keys' order; unknown keys skipped."""
        return (await self.fetch_paragraphs_at(keys))[1]

    async def fetch_paragraphs_at(
        self, keys: Sequence[tuple[str, int]]
    ) -> tuple[int, list[Paragraph]]:
        """The generation and the paragraphs named by keys (keys' order), in one statement.

        A single statement reads one database version, so the caller can check the paragraphs
        against the index it ranked them with. Each key is a primary-key lookup: no range reads.
        One trip to aiosqlite's thread (execute and fetch together), as it is on the /ask path.
        """
        async with self._errors():
            rows = await self._db.execute_fetchall(_PARAGRAPHS_AT, _keys_parameter(keys))
        return _paragraphs_at(rows)

    async def paragraph_reader(self) -> ParagraphReader:
        """A plain sqlite3 connection to the same file for fetch_paragraphs_at from any thread.

        The /ask path scores, reads and quotes in one worker thread: reading through aiosqlite
        from there would cross threads three more times. Opened as this store was (same file,
        same mode); refused if the file was replaced since this store opened it.
        """
        database, uri = self._database
        try:
            conn = await asyncio.to_thread(
                sqlite3.connect,
                database,
                uri=uri,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_S,
                check_same_thread=False,  # used by one thread at a time, under its lock
            )
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: {_describe(error)}") from error
        reader = ParagraphReader(conn, self.path)
        try:
            await asyncio.to_thread(conn.execute, f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            self.check_file()
        except BaseException:
            reader.close()
            raise
        return reader

    async def headings(self, symbol: str) -> list[Heading]:
        rows = await self._all(
            "SELECT position, label, title, level FROM heading WHERE report = ? ORDER BY position",
            (symbol,),
        )
        links = await self._all(
            "SELECT heading, footnote FROM heading_footnote WHERE report = ? ORDER BY footnote",
            (symbol,),
        )
        notes: dict[int, list[int]] = {}
        for position, number in links:
            notes.setdefault(position, []).append(number)
        return [
            Heading(label, title, level, tuple(notes.get(position, ())))
            for position, label, title, level in rows
        ]

    async def footnotes(self, symbol: str) -> list[Footnote]:
        rows = await self._all(
            "SELECT number, text FROM footnote WHERE report = ? ORDER BY number", (symbol,)
        )
        return [Footnote(number, text) for number, text in rows]

    async def segments(self) -> dict[str, bytes]:
        rows = await self._all("SELECT report, data FROM index_segment")
        return {str(report): bytes(data) for report, data in rows}

    async def segments_of(self, symbols: Sequence[str]) -> dict[str, bytes]:
        """The segments of these reports (those that have one)."""
        found: dict[str, bytes] = {}
        for symbol in symbols:
            row = await self._one("SELECT data FROM index_segment WHERE report = ?", (symbol,))
            if row is not None:
                found[symbol] = bytes(row[0])
        return found

    async def retired_segments(self, versions: Mapping[str, str]) -> dict[str, bytes]:
        """Retired segments of these (report, content hash) pairs (those still kept)."""
        found: dict[str, bytes] = {}
        for symbol, digest in versions.items():
            row = await self._one(
                "SELECT data FROM index_retired WHERE report = ? AND content_hash = ?",
                (symbol, digest),
            )
            if row is not None:
                found[symbol] = bytes(row[0])
        return found

    async def vectors(self, model: str) -> dict[str, bytes]:
        """Every report's paragraph vectors for `model`, by symbol."""
        rows = await self._all("SELECT report, data FROM report_vectors WHERE model = ?", (model,))
        return {str(r[0]): bytes(r[1]) for r in rows}

    async def blobs(self) -> dict[str, bytes]:
        """The stored index blobs (read them inside a read transaction with index_state())."""
        rows = await self._all("SELECT name, data FROM index_blob")
        return {str(name): bytes(data) for name, data in rows}

    async def index_state(self) -> IndexState:
        """Which index is stored, and for which generation; one small row, no blobs."""
        row = await self._one("SELECT generation, index_generation, index_id FROM library_version")
        if row is None:
            return IndexState(0, None, None)
        return IndexState(int(row[0]), None if row[1] is None else int(row[1]), row[2])

    async def integrity_check(self) -> str:
        rows = await self._all("PRAGMA integrity_check")
        return "; ".join(str(row[0]) for row in rows)

    async def _all(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        async with self._errors(), self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        async with self._errors(), self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _run(self, sql: str, params: Sequence[object] = ()) -> None:
        # Close every cursor at once: aiosqlite's worker keeps the last result alive, and an
        # unreset statement (PRAGMA journal_mode returns a row) makes COMMIT fail with
        # "cannot commit transaction - SQL statements in progress".
        async with self._db.execute(sql, params):
            pass

    async def _run_many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        async with self._db.executemany(sql, rows):
            pass


def _paragraph_rows(
    symbol: str,
    paragraphs: Iterable[Paragraph],
    links: list[tuple[str, int, int]],
    cited: dict[int, Footnote],
) -> Iterator[tuple[str, int, str, str]]:
    """Rows for executemany; collects footnote links on the way so `paragraphs` is read once."""
    for paragraph in paragraphs:
        if paragraph.report != symbol:
            raise ValueError(f"{paragraph.citation} does not belong to {symbol}")
        for footnote in paragraph.footnotes:
            cited.setdefault(footnote.number, footnote)
            links.append((symbol, paragraph.number, footnote.number))
        yield (symbol, paragraph.number, paragraph.text, _section_json(tuple(paragraph.section)))


@lru_cache(maxsize=4096)
def _section_json(section: tuple[str, ...]) -> str:
    """A paragraph's heading path as stored; reports repeat a few, so each is encoded once."""
    return json.dumps(list(section), ensure_ascii=False)


def _number(footnote: Footnote) -> int:
    return footnote.number


# The footnotes a paragraph row `p` cites, as a JSON list of [number, text] (in any order).
_FOOTNOTES_OF_P = (
    "(SELECT json_group_array(json_array(f.number, f.text)) FROM paragraph_footnote pf"
    " JOIN footnote f ON f.report = pf.report AND f.number = pf.footnote"
    " WHERE pf.report = p.report AND pf.paragraph = p.number)"
)


# The reader's page cache: the paragraph table's inner B-tree pages at 1M paragraphs (~20 MiB)
# stay in it, so a read of 15 paragraphs asks the OS for their leaf pages only.
READER_CACHE_KIB = 32 * 1024
CACHED_PARAGRAPHS = 4096  # paragraphs the reader keeps between answers (~6 MiB)
# The generation alone, in the shape of _PARAGRAPHS_AT's rows (when every paragraph is kept)
_GENERATION = "SELECT generation, NULL, NULL, NULL, NULL, NULL, -1 FROM library_version"
# The generation and the paragraphs named by a JSON list of [report, number], in one statement
# (one database version); rows are put back in the keys' order by _paragraphs_at.
_PARAGRAPHS_AT = (
    _GENERATION + " UNION ALL"
    f" SELECT NULL, p.report, p.number, p.text, p.section, {_FOOTNOTES_OF_P}, k.key"
    " FROM json_each(?) AS k JOIN paragraph p"
    " ON p.report = json_extract(k.value, '$[0]')"
    " AND p.number = json_extract(k.value, '$[1]')"
)


def _keys_parameter(keys: Sequence[tuple[str, int]]) -> tuple[str]:
    return (json.dumps([[symbol, number] for symbol, number in keys]),)


def _paragraphs_at(rows: Iterable[Sequence[object]]) -> tuple[int, list[Paragraph]]:
    rows = list(rows)
    generation = next((int(row[0]) for row in rows if row[0] is not None), 0)  # type: ignore[call-overload]
    found = sorted((row for row in rows if row[1] is not None), key=lambda row: row[6])  # type: ignore[arg-type,return-value]
    return generation, [_paragraph(row[1:6]) for row in found]


def _paragraph(row: Sequence[object]) -> Paragraph:
    """A Paragraph from (report, number, text, section JSON, footnotes JSON)."""
    report, number, text, section, notes = row
    footnotes = (
        sorted((Footnote(int(n), str(t)) for n, t in json.loads(str(notes))), key=_number)
        if notes != "[]"
        else ()
    )
    return Paragraph(
        report=str(report),
        number=int(number),  # type: ignore[call-overload]
        text=str(text),
        section=tuple(json.loads(str(section))) if section != "[]" else (),
        footnotes=tuple(footnotes),
    )


def _file_identity(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


async def _connect(database: str, *, uri: bool, label: Path) -> aiosqlite.Connection:
    try:
        # isolation_level=None: no implicit BEGIN (which is DEFERRED); we say BEGIN IMMEDIATE.
        return await aiosqlite.connect(
            database, uri=uri, isolation_level=None, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error as error:
        raise StoreError(f"{label}: {_describe(error)}") from error


async def _open_read_only(path: Path) -> Store:
    """Open without writing anything: mode=ro first, then immutable=1 if the -shm can't be made."""
    base = _read_only_uri(path)
    failure: StoreError | None = None
    # A WAL database needs its -shm file; in a read-only directory only immutable=1 opens it.
    for query in ("mode=ro", "immutable=1"):
        db = await _connect(f"{base}?{query}", uri=True, label=path)
        store = Store(db, path, read_only=True, database=(f"{base}?{query}", True))
        try:
            async with store._errors():
                await store._run("PRAGMA foreign_keys = ON")
                version = await store.schema_version()
            _check_read_only_version(path, version)
            await store.reports()
        except StoreError as error:
            await db.close()
            if isinstance(error, _VersionError):
                raise
            failure = error
            continue
        except BaseException:
            await db.close()
            raise
        store._serving = True
        return store
    assert failure is not None
    raise failure


def _read_only_uri(path: Path) -> str:
    if not path.is_file():
        raise StoreError(f"{path} does not exist (a read-only open never creates a database)")
    return path.resolve().as_uri()


class _VersionError(StoreError):
    """The schema version rules out this database whichever way it is opened."""


class SchemaNeedsUpgrade(_VersionError):
    """An older schema: a writable open would migrate it; a read-only one cannot."""


def _check_read_only_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise _VersionError(_too_new(path, version))
    if version < SCHEMA_VERSION:
        raise SchemaNeedsUpgrade(
            f"{path} has schema version {version}, this reportbot needs {SCHEMA_VERSION}; "
            "open it once without read-only mode to upgrade it"
        )


def _too_new(path: Path, version: int) -> str:
    return (
        f"{path} was written by a newer reportbot (schema version {version}; this one knows "
        f"up to {SCHEMA_VERSION}); upgrade reportbot or use another database"
    )


def _describe(error: sqlite3.Error) -> str:
    text = str(error)
    if "file is not a database" in text or "malformed" in text:
        return f"not a usable reportbot database ({text}); move it aside to rebuild"
    if "locked" in text or "busy" in text:
        return f"{text} (another process is writing; try again)"
    return text
