"""The async façade the bot and the CLI use: open a database, then ask, cite, ingest, remove."""

from __future__ import annotations

import asyncio
import datetime as dt
import difflib
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Literal

import numpy as np

from corpus.citation import normalize_symbol
from corpus.decode import MAX_REPORT_BYTES, decode_text
from corpus.errors import ParseError, UserError
from corpus.files import bundled_manifest, bundled_texts
from corpus.manifest import ManifestEntry
from corpus.model import Paragraph, Report, ReportMeta
from corpus.parse import MetaFlags, parse_report
from retrieval.answer import Answer, IngestResult, ReportSummary
from retrieval.embedder import Embedder, shared_embedder, shipped_vectors
from retrieval.errors import UnknownParagraph, UnknownReport
from retrieval.index_file import map_index_file, write_index_file
from retrieval.links import ParagraphLinks, WhatsNew, citing, mentioning, paragraph_references
from retrieval.novelty import score_novelty
from retrieval.options import DEFAULT_OPTIONS, SearchOptions
from retrieval.search import (
    Fetch,
    FetchNow,
    Searcher,
    answer_question,
    build_segment,
    merge_extras,
    report_order,
)
from retrieval.segment import read_segment_extras
from retrieval.semantic import SemanticLayer
from retrieval.series import (
    SeriesNameError,
    previous_in_series,
    resolve_series_name,
    series_order,
)
from retrieval.store import IndexState, ParagraphReader, Store, StoredReport, StoreError
from retrieval.tiered import TieredIndex
from retrieval.timeline import Timeline, build_timeline
from retrieval.trend import (
    ReportTerms,
    SeriesTerms,
    TermError,
    Trend,
    Vocabulary,
    build_trend,
    join_reports,
    report_terms,
    term_specs,
)
from retrieval.vectors import ReportVectors, report_vectors

ProgressFn = Callable[[str], None]
ANSWER_ATTEMPTS = 5  # an answer that met a newer database version is started again this often

BUNDLED_STATE_KEY = "bundled_corpus_loaded"  # set once, so removing every report stays removed
# Stored with the index's base: which version (content hash) of each report it indexed, and
# each report's search-layer payload (learned aliases, names), so tiers can be added on load.
TIER_VERSIONS_BLOB = "tier/versions"
TIER_EXTRAS_BLOB = "tier/extras"

log = logging.getLogger(__name__)


class StaleSnapshot(Exception):
    """The database moved to a newer version while an answer was being put together."""


class ChangingTooFast(UserError):
    """Every attempt at an answer met a newer database version."""


@dataclass(frozen=True)
class Snapshot:
    """One database version: its generation, the index built from it, and its report list."""

    generation: int
    searcher: Searcher  # its index is a TieredIndex
    reports: Mapping[str, StoredReport]
    # Each indexed report's search-layer payload, to merge aliases again when reports change;
    # None when the stored base lacks them (a change then rebuilds the whole index).
    extras: Mapping[str, bytes] | None = None


class Library:
    """Holds a writer and a reader connection and the in-memory index; safe to await on the loop.

    Every answer is made from one Snapshot: the index, the report list and every paragraph it
    quotes belong to the same database generation. Before each answer the reader checks the
    generation (one indexed row), so a change committed by another process (a CLI ingest, a
    second bot) is picked up first; a paragraph read that meets a newer generation starts the
    answer again on the new snapshot.
    """

    def __init__(
        self,
        path: Path,
        writer: Store | None,
        reader: Store,
        embedder: Embedder | None = None,
        *,
        warm_index: bool = False,
        options: SearchOptions = DEFAULT_OPTIONS,
    ) -> None:
        self.path = path
        self._writer = writer  # None when read-only
        self._reader = reader  # a second connection: readers never see a write in progress
        self._paragraphs: ParagraphReader | None = None  # the reader's file, for /ask's thread
        self._embedder = embedder  # the semantic layer's model; None when it is off
        self._snapshot: Snapshot | None = None
        self._series_cache: _SeriesCache | None = None  # the trend's, per report set, lazily
        self._manifest: tuple[ManifestEntry, ...] = ()  # matched by symbol or by file name
        self._write_lock = asyncio.Lock()
        self._pin_lock = asyncio.Lock()
        self._pinned: Store | None = None  # opened for the first pinned answer (_answer_pinned)
        self._merging: asyncio.Task[None] | None = None  # rebuilding the index's base
        self._warm_index = warm_index  # fault the mapped index in behind each load (see open)
        self._options = options  # how questions are weighed, given to every snapshot's searcher

    @classmethod
    async def open(
        cls,
        db_path: Path | str,
        *,
        bootstrap: bool = True,
        read_only: bool = False,
        progress: ProgressFn | None = None,
        semantic: bool = True,
        warm_index: bool = False,
        spelling: bool = False,
    ) -> Library:
        """Open (creating and migrating) the database; build it from the bundled corpus if new.

        With `semantic`, the embedding model is loaded (and its files verified) first, so a
        missing or altered model is refused before the database is touched. With `warm_index`
        (for a process that answers many questions: the bot), each stored index that is mapped
        from its file is faulted in by a background thread (index_file.fault_in_pages), so the
        first questions do not pay for it; a one-shot command leaves it off. With `spelling`, a
        typed word no paragraph holds is read as the reports' word one edit away (and the
        answer says so): off by default, see retrieval/spelling.py.
        """
        path = Path(db_path)
        embedder = await asyncio.to_thread(shared_embedder) if semantic else None
        options = replace(DEFAULT_OPTIONS, spelling=spelling)
        if read_only:
            reader = await Store.open(path, read_only=True)
            library = cls(path, None, reader, embedder, warm_index=warm_index, options=options)
        else:
            writer = await Store.open(path)
            try:
                reader = await Store.open(path)
            except BaseException:
                await writer.close()
                raise
            library = cls(path, writer, reader, embedder, warm_index=warm_index, options=options)
        try:
            library._paragraphs = await library._reader.paragraph_reader()
            manifest = await asyncio.to_thread(bundled_manifest)
            library._manifest = tuple(manifest)
            if bootstrap and library._writer is not None:
                await library._bootstrap(progress or _silent)
            if library._snapshot is None:  # a bootstrap installs what it built
                async with library._write_lock:
                    await library._load(progress or _silent)
        except BaseException:
            await library.close()
            raise
        return library

    async def close(self) -> None:
        """Close the connections, after a rebuild of the index's base in progress finishes."""
        if self._merging is not None:
            await asyncio.wait([self._merging])  # it logs its own errors
        if self._paragraphs is not None:
            self._paragraphs.close()
        for store in (self._pinned, self._reader, self._writer):
            if store is not None:
                await store.close()

    async def __aenter__(self) -> Library:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ---- reading ----------------------------------------------------------------------------

    @property
    def _reports(self) -> Mapping[str, StoredReport]:
        assert self._snapshot is not None, "Library.open loads the index"
        return self._snapshot.reports

    @property
    def _searcher(self) -> Searcher:
        assert self._snapshot is not None, "Library.open loads the index"
        return self._snapshot.searcher

    async def current(self) -> Snapshot:
        """The snapshot of the database as it is now; reloads it if another process changed it."""
        snapshot = self._snapshot
        assert snapshot is not None, "Library.open loads the index"
        if await self._reader.generation() == snapshot.generation:
            return snapshot
        # Our own writes install their snapshot under the write lock: wait for one in progress
        # rather than loading from disk what it is about to install.
        async with self._write_lock:
            snapshot = self._snapshot
            assert snapshot is not None
            if await self._reader.generation() != snapshot.generation:
                await self._load(_silent)
            assert self._snapshot is not None
            return self._snapshot

    async def reports(self) -> list[ReportSummary]:
        """Every report, in symbol order (year, then number)."""
        snapshot = await self.current()
        return [
            ReportSummary(stored.meta, stored.paragraph_count, stored.footnote_count)
            for stored in sorted(
                snapshot.reports.values(), key=lambda s: symbol_order(s.meta.symbol)
            )
        ]

    async def resolve_report(self, typed: str) -> str:
        """Canonical symbol for a loosely typed one ("s/2018/80"); else UnknownReport."""
        return _resolve(typed, (await self.current()).reports)

    async def cite(self, report: str, first: int, last: int | None = None) -> list[Paragraph]:
        """Paragraphs first..last (inclusive) of a report; UnknownReport / UnknownParagraph."""
        symbol = await self.resolve_report(report)
        last = first if last is None else last
        if last < first:
            raise UserError(f"paragraph range {first}-{last} runs backwards; try {last}-{first}")
        found = await self._reader.paragraphs(symbol, first, last)
        if len(found) == last - first + 1:
            return found
        present = {p.number for p in found}
        missing = next(n for n in range(first, last + 1) if n not in present)
        numbers = await self._reader.paragraph_numbers(symbol)
        raise UnknownParagraph(
            f"no paragraph {missing} in {symbol}: {symbol} has paragraphs {number_ranges(numbers)}"
        )

    async def export(self, report: str | None = None) -> list[Paragraph]:
        """Every paragraph (of one report, or all) in citation order."""
        if report is not None:
            return await self._reader.paragraphs(await self.resolve_report(report))
        paragraphs: list[Paragraph] = []
        for symbol in sorted((await self.current()).reports, key=symbol_order):
            paragraphs.extend(await self._reader.paragraphs(symbol))
        return paragraphs

    async def ask(
        self,
        question: str,
        *,
        k: int = 3,
        report: str | None = None,
        year: int | None = None,
    ) -> Answer:
        """Rank paragraphs for a question; never raises for odd input, explains empty answers.

        The whole answer comes from one database version (see Snapshot); if the database moves
        on while it is being made, it is made again on the new version. The first attempt uses
        the snapshot in memory without reading the generation first: the paragraph read checks
        it anyway, and an answer that read no paragraph checks it afterwards.
        """
        for attempt in range(ANSWER_ATTEMPTS):
            snapshot = self._snapshot if attempt == 0 else await self.current()
            assert snapshot is not None, "Library.open loads the index"
            read: list[int] = []
            try:
                symbol = _resolve(report, snapshot.reports) if report else None
                answer = await answer_question(
                    snapshot.searcher,
                    self._fetch_now(snapshot.generation, read),
                    question,
                    k=k,
                    report=symbol,
                    year=year,
                )
            except StaleSnapshot:
                continue
            except UnknownReport:
                if attempt == 0:  # perhaps only this snapshot lacks it: ask the database
                    continue
                raise
            if read or await self._reader.generation() == snapshot.generation:
                return answer
        return await self._answer_pinned(question, k=k, report=report, year=year)

    async def _answer_pinned(
        self, question: str, *, k: int, report: str | None, year: int | None
    ) -> Answer:
        """Answer inside one read transaction: the last resort when writes keep overtaking.

        WAL readers never block writers, but answers made this way queue up one at a time on a
        connection of their own, so it is kept for when the optimistic way keeps losing.
        """
        async with self._pin_lock:
            if self._pinned is None:
                self._pinned = await Store.open(self.path, read_only=self._writer is None)
            store = self._pinned
            async with store.read_transaction():
                snapshot = self._snapshot
                generation = await store.generation()
                if snapshot is None or snapshot.generation != generation:
                    snapshot = await self._read_snapshot(store, _silent, rebuild=True)
                    assert snapshot is not None
                    snapshot = await self._with_semantic(snapshot, _silent, store=store, save=False)
                symbol = _resolve(report, snapshot.reports) if report else None
                return await answer_question(
                    snapshot.searcher,
                    self._fetch_at(snapshot.generation, store),
                    question,
                    k=k,
                    report=symbol,
                    year=year,
                )

    def _fetch_at(self, generation: int, store: Store) -> Fetch:
        """A paragraph fetch that refuses to return rows of any generation but `generation`."""

        async def fetch(keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
            found_in, paragraphs = await store.fetch_paragraphs_at(keys)
            if found_in != generation:
                raise StaleSnapshot(f"index of generation {generation}, rows of {found_in}")
            return paragraphs

        return fetch

    def _fetch_now(self, generation: int, read: list[int]) -> FetchNow:
        """_fetch_at for the answering thread (no trip through the loop); each read, which
        checked the generation, is recorded in `read`."""
        assert self._paragraphs is not None, "Library.open opens the paragraph reader"
        reader = self._paragraphs

        def fetch(keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
            found_in, paragraphs = reader.fetch_paragraphs_at(keys)
            if found_in != generation:
                raise StaleSnapshot(f"index of generation {generation}, rows of {found_in}")
            read.append(found_in)
            return paragraphs

        return fetch

    # ---- writing ----------------------------------------------------------------------------

    async def ingest(
        self,
        data: bytes,
        *,
        source: str,
        symbol: str | None = None,
        date: dt.date | None = None,
        title: str | None = None,
        allow_irregular: bool = False,
    ) -> IngestResult:
        """Parse off the loop and store atomically with its index; identical text is a no-op."""
        writer = self._writable()
        if len(data) > MAX_REPORT_BYTES:
            raise ParseError(
                f"the file is {len(data):,} bytes; the limit is {MAX_REPORT_BYTES:,}", source=source
            )
        text = await asyncio.to_thread(decode_text, data, source=source)
        flags = MetaFlags(symbol, date, title) if (symbol or date or title) else None
        report = await asyncio.to_thread(
            parse_report,
            text,
            source=source,
            manifest=self._manifest,
            flags=flags,
            allow_irregular=allow_irregular,
        )
        if not report.paragraphs:
            raise ParseError("no numbered paragraphs found", source=source)
        digest = content_hash(text, flags, allow_irregular=allow_irregular)
        async with self._write_lock:
            previous = await writer.content_hash(report.symbol)
            if previous == digest:
                return _result(report, "unchanged")
            segment = await asyncio.to_thread(build_segment, report)
            vectors = await self._encode(report, await self._stored_vectors(report.symbol))
            async with writer.transaction():
                before = await self._snapshot_for_write(writer)
                old = await writer.retire_segment(report.symbol)
                await _put(writer, report, source=source, digest=digest, segment=segment)
                if vectors is not None:
                    await writer.put_vectors(report.symbol, vectors.model, vectors.to_bytes())
                removed = {report.symbol: old} if old is not None else {}
                snapshot = await self._changed(writer, before, {report.symbol: segment}, removed)
            self._snapshot = await self._with_semantic(snapshot, _silent)
            self._schedule_merge()
        return _result(report, "added" if previous is None else "replaced")

    async def remove(self, report: str) -> ReportSummary:
        """Delete a report and its index segment in one transaction; returns what was removed."""
        writer = self._writable()
        symbol = await self.resolve_report(report)
        async with self._write_lock:
            stored = self._reports.get(symbol)
            async with writer.transaction():
                if stored is None or not await writer.content_hash(symbol):
                    raise UnknownReport(f"no report {symbol} (it was just removed)")
                before = await self._snapshot_for_write(writer)
                old = await writer.retire_segment(symbol)
                await writer.delete_report(symbol)
                removed = {symbol: old} if old is not None else {}
                snapshot = await self._changed(writer, before, {}, removed)
            self._snapshot = await self._with_semantic(snapshot, _silent)
            self._schedule_merge()
        return ReportSummary(stored.meta, stored.paragraph_count, stored.footnote_count)

    def _writable(self) -> Store:
        if self._writer is None:
            raise StoreError(f"{self.path} is open read-only; nothing can be changed")
        return self._writer

    async def _rebuild_in(self, writer: Store) -> Snapshot:
        """Rebuild the global index from every segment as this transaction sees them; store it.

        Runs inside the write transaction, so a concurrent writer in another process cannot slip
        a report in between reading the segments and writing the index built from them. The
        snapshot returned is installed only after the transaction commits.
        """
        segments = await writer.segments()
        _, stored = await writer.reports_at()
        metas = {s.meta.symbol: s.meta for s in stored}
        _check_segments(segments, metas)
        versions = {s.meta.symbol: s.content_hash for s in stored}
        searcher = await asyncio.to_thread(Searcher.rebuild, segments, metas)
        state = await self._store_base(writer, searcher, segments, versions)
        extras = {symbol: read_segment_extras(data) for symbol, data in segments.items()}
        tiered = replace(searcher, index=TieredIndex.over(searcher.index, report_order))
        return Snapshot(state.generation, tiered, {s.meta.symbol: s for s in stored}, extras)

    async def _store_base(
        self,
        writer: Store,
        searcher: Searcher,
        segments: Mapping[str, bytes],
        versions: Mapping[str, str],
    ) -> IndexState:
        """Store a freshly built base (blobs and file); forget retired segments it no longer
        needs (those of report versions it does not index)."""
        blobs = await asyncio.to_thread(base_blobs, searcher, segments, versions)
        state = await writer.put_blobs(blobs)
        await writer.prune_retired(versions)
        # Written before COMMIT: if the commit fails, nothing names this file; it goes later.
        assert state.index_id is not None
        await asyncio.to_thread(write_index_file, self.path, state.index_id, blobs)
        return state

    # ---- the tiered index: changes touch one report; the base is rebuilt off the reply path --

    async def _snapshot_for_write(self, writer: Store) -> Snapshot | None:
        """The snapshot a change applies to, as this write transaction sees the database;
        None if it cannot take changes (then the whole index is rebuilt)."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.generation != await writer.generation():
            snapshot = await self._read_snapshot(writer, _silent, rebuild=False)
        if snapshot is None or snapshot.extras is None:
            return None
        return snapshot

    async def _changed(
        self,
        writer: Store,
        before: Snapshot | None,
        add: Mapping[str, bytes],
        remove: Mapping[str, bytes],
    ) -> Snapshot:
        """The snapshot after reports were added, replaced or removed in this transaction:
        only their segments are indexed (a small tier) or masked (a tombstone)."""
        if before is None:
            return await self._rebuild_in(writer)
        index = before.searcher.index
        assert isinstance(index, TieredIndex)
        remove = {r: data for r, data in remove.items() if r in set(index.reports)}
        tiered = await asyncio.to_thread(index.with_changes, add=add, remove=remove)
        assert before.extras is not None
        extras = {r: e for r, e in before.extras.items() if r not in remove}
        extras.update({r: read_segment_extras(data) for r, data in add.items()})
        generation, stored = await writer.reports_at()
        metas = {s.meta.symbol: s.meta for s in stored}
        searcher = await asyncio.to_thread(_tiered_searcher, before.searcher, tiered, extras, metas)
        return Snapshot(generation, searcher, {s.meta.symbol: s for s in stored}, extras)

    def _schedule_merge(self) -> None:
        """Rebuild the base in the background when the tiers have grown too large for it."""
        snapshot = self._snapshot
        if self._writer is None or snapshot is None or self._merging is not None:
            return
        index = snapshot.searcher.index
        if isinstance(index, TieredIndex) and index.needs_merge:
            self._merging = asyncio.get_running_loop().create_task(self.merge_index())

    async def merge_index(self) -> None:
        """Rebuild the index's base from every report now in the database, then store it.

        The slow part (reading the segments, merging them: 25 s and 4.5 GiB at a million
        paragraphs) holds no lock: answers and ingests go on meanwhile. Reports changed while
        it ran are tombstones of the new base, like any later change. Errors are logged: the
        tiers keep answering exactly, only more slowly.
        """
        try:
            writer = self._writable()
            reading = await Store.open(self.path)
            try:
                async with reading.read_transaction():
                    segments = await reading.segments()
                    _, stored = await reading.reports_at()
            finally:
                await reading.close()
            metas = {s.meta.symbol: s.meta for s in stored}
            _check_segments(segments, metas)
            versions = {s.meta.symbol: s.content_hash for s in stored}
            searcher = await asyncio.to_thread(Searcher.rebuild, segments, metas)
            async with self._write_lock:
                async with writer.transaction():
                    await self._store_base(writer, searcher, segments, versions)
                    snapshot = await self._read_snapshot(writer, _silent, rebuild=False)
                if snapshot is not None:
                    self._snapshot = await self._with_semantic(snapshot, _silent)
        except Exception:
            log.exception(
                "rebuilding the index base of %s failed; the tiers keep answering", self.path
            )
        finally:
            if self._merging is asyncio.current_task():
                self._merging = None

    # ---- the semantic layer -----------------------------------------------------------------

    async def _encode(
        self, report: Report, known: dict[str, np.ndarray] | None = None
    ) -> ReportVectors | None:
        """A report's paragraph vectors, reusing any already encoded (shipped, or stored)."""
        if self._embedder is None:
            return None
        reuse = {**(await asyncio.to_thread(shipped_vectors)), **(known or {})}
        embedder = self._embedder
        return await asyncio.to_thread(
            report_vectors, report, embedder.encode, embedder.model_id, reuse
        )

    async def _stored_vectors(self, symbol: str) -> dict[str, np.ndarray]:
        """The vectors stored for a report now, by text digest (a replaced report reuses them)."""
        if self._embedder is None:
            return {}
        blob = (await self._reader.vectors(self._embedder.model_id)).get(symbol)
        try:
            return ReportVectors.from_bytes(blob).by_digest() if blob else {}
        except ValueError:
            return {}

    async def _with_semantic(
        self,
        snapshot: Snapshot,
        progress: ProgressFn,
        *,
        store: Store | None = None,
        save: bool = True,
    ) -> Snapshot:
        """Attach the stored paragraph vectors (and the library's search options); encode (and,
        with `save`, store) any report lacking them. Callers that save hold the write lock."""
        searcher = snapshot.searcher
        if self._embedder is None:
            return replace(snapshot, searcher=searcher.configured(None, self._options))
        reader = store or self._reader
        model = self._embedder.model_id
        vectors: dict[str, ReportVectors] = {}
        for symbol, blob in (await reader.vectors(model)).items():
            try:
                vectors[symbol] = ReportVectors.from_bytes(blob)
            except ValueError:
                continue  # damaged or of another version: encoded again below
        for symbol, numbers in searcher.doc_reports():
            if symbol in vectors and vectors[symbol].numbers == tuple(numbers):
                continue
            progress(f"encoding {symbol} for the semantic layer ({len(numbers)} paragraphs)")
            vectors[symbol] = await self._encode_stored(symbol, snapshot, reader, save=save)
        layer = SemanticLayer.align(
            searcher.doc_reports(), vectors, self._embedder.encode_query, model
        )
        return replace(snapshot, searcher=searcher.configured(layer, self._options))

    async def _encode_stored(
        self, symbol: str, snapshot: Snapshot, reader: Store, *, save: bool
    ) -> ReportVectors:
        """Vectors for a report already in the database (made before the layer existed).

        Encoding takes seconds, and another process may replace the report meanwhile: the
        vectors are saved only if the database is still at the version their text was read
        from, so a newer version's stored vectors are never overwritten by an older text's.
        """
        stored = snapshot.reports.get(symbol)
        meta = stored.meta if stored else ReportMeta(symbol)
        read_at = await reader.generation()
        report = Report(meta, tuple(await reader.paragraphs(symbol)))
        unchanged = await reader.generation() == read_at  # else: of which version is unknown
        vectors = await self._encode(report)
        assert vectors is not None
        if save and unchanged and self._writer is not None:
            async with self._writer.transaction():  # the caller holds the write lock
                if await self._writer.generation() == read_at:
                    await self._writer.put_vectors(symbol, vectors.model, vectors.to_bytes())
        return vectors

    async def _load(self, progress: ProgressFn) -> None:
        """Load the stored index of the current generation; rebuild it if stale or unreadable."""
        async with self._reader.read_transaction():
            snapshot = await self._read_snapshot(
                self._reader, progress, rebuild=self._writer is None
            )
        if snapshot is None:  # writable, and the stored index is unusable: rebuild and save it
            snapshot = await self._rebuild_and_save(progress)
        self._snapshot = await self._with_semantic(snapshot, progress)
        self._schedule_merge()

    async def _read_snapshot(
        self, store: Store, progress: ProgressFn, *, rebuild: bool
    ) -> Snapshot | None:
        """The snapshot `store` sees (call inside its read transaction): the stored base with
        tiers for the reports changed since it was built. None if the stored index is unusable
        and `rebuild` is False, else it is rebuilt in memory."""
        state = await store.index_state()
        generation, stored = await store.reports_at()
        metas = {s.meta.symbol: s.meta for s in stored}
        loaded = None
        if state.index_id is not None:
            loaded = await self._tiers_from_stored(store, state, stored, metas)
        if loaded is None:
            if not rebuild:
                return None
            loaded = await self._rebuild_in_memory(store, metas, progress)
        searcher, extras = loaded
        return Snapshot(generation, searcher, {s.meta.symbol: s for s in stored}, extras)

    async def _tiers_from_stored(
        self,
        store: Store,
        state: IndexState,
        stored: Sequence[StoredReport],
        metas: dict[str, ReportMeta],
    ) -> tuple[Searcher, Mapping[str, bytes] | None] | None:
        """The stored base, with the reports added or replaced since as small tiers (their
        segments read from the database) and those replaced or removed as tombstones (their
        retired segments); None if the base or a segment it needs is missing or unreadable."""
        blobs = await self._stored_blobs(store, state)
        base = await _searcher_from_blobs(blobs, metas) if blobs else None
        if blobs is None or base is None:
            return None
        current = {s.meta.symbol: s.content_hash for s in stored}
        versions = _json_blob(blobs, TIER_VERSIONS_BLOB)
        if versions is None:  # a base stored before tiers: it indexed exactly its generation
            if not state.is_current:
                return None
            versions = current
        indexed = set(base.index.reports)
        dead = {r: versions.get(r) for r in indexed if current.get(r) != versions.get(r)}
        added = [r for r in current if r not in indexed or r in dead]
        wanted = {r: v for r, v in dead.items() if v is not None}
        retired = await store.retired_segments(wanted)
        segments = await store.segments_of(added)
        if len(retired) != len(dead) or len(segments) != len(added):
            return None
        base_extras = _json_blob(blobs, TIER_EXTRAS_BLOB)
        extras = None
        if base_extras is not None:
            extras = {r: str(e).encode() for r, e in base_extras.items() if r not in dead}
            extras.update({r: read_segment_extras(data) for r, data in segments.items()})
        try:
            tiered = await asyncio.to_thread(
                lambda: TieredIndex.over(base.index, report_order).with_changes(
                    add=segments, remove=retired
                )
            )
            if tiered.changed and extras is None:
                return None
            searcher = await asyncio.to_thread(_tiered_searcher, base, tiered, extras, metas)
        except (ValueError, KeyError):  # segments of another version
            return None
        return searcher, extras

    async def _stored_blobs(
        self, store: Store, state: IndexState
    ) -> Mapping[str, bytes | memoryview] | None:
        """The stored base's blobs: mapped from its file if there is one, else out of SQLite
        (then the file is written, when the database is writable, for the next start)."""
        assert state.index_id is not None
        mapped = await asyncio.to_thread(
            map_index_file, self.path, state.index_id, fault_in=self._warm_index
        )
        if mapped is not None:
            return mapped
        blobs = await store.blobs()
        if not blobs:
            return None
        if self._writer is not None:
            await asyncio.to_thread(write_index_file, self.path, state.index_id, blobs)
        return blobs

    async def _rebuild_in_memory(
        self, store: Store, metas: dict[str, ReportMeta], progress: ProgressFn
    ) -> tuple[Searcher, Mapping[str, bytes]]:
        """Merge the stored segments again, or re-index the paragraphs if they are unreadable."""
        segments = await store.segments()
        try:
            _check_segments(segments, metas)
            searcher = await asyncio.to_thread(Searcher.rebuild, segments, metas)
        except ValueError:  # segments of another version: the paragraphs are the truth
            progress(f"re-indexing {self.path.name} from its stored paragraphs")
            segments = await _segments_from_paragraphs(store, metas)
            searcher = await asyncio.to_thread(Searcher.rebuild, segments, metas)
        extras = {symbol: read_segment_extras(data) for symbol, data in segments.items()}
        return replace(searcher, index=TieredIndex.over(searcher.index, report_order)), extras

    async def _rebuild_and_save(self, progress: ProgressFn) -> Snapshot:
        """Rebuild the stored index in a write transaction (re-indexing if segments are bad)."""
        writer = self._writable()
        try:
            async with writer.transaction():
                return await self._rebuild_in(writer)
        except ValueError:  # segments of another version: the paragraphs are the truth
            progress(f"re-indexing {self.path.name} from its stored paragraphs")
        async with writer.transaction():
            metas = {s.meta.symbol: s.meta for s in await writer.reports()}
            for symbol, segment in (await _segments_from_paragraphs(writer, metas)).items():
                await writer.put_segment(symbol, segment)
            return await self._rebuild_in(writer)

    async def _bootstrap(self, progress: ProgressFn) -> None:
        """Load the bundled reports in one transaction, once per database."""
        writer = self._writable()
        if await writer.get_state(BUNDLED_STATE_KEY) is not None or await writer.reports():
            return
        started = time.perf_counter()
        bundled: list[tuple[ManifestEntry, bytes]] = await asyncio.to_thread(bundled_texts)
        reports: list[tuple[Report, str, str, bytes]] = []
        vectors: list[ReportVectors | None] = []
        for entry, data in bundled:
            text = await asyncio.to_thread(decode_text, data, source=entry.file)
            report = await asyncio.to_thread(
                parse_report, text, source=entry.file, manifest=self._manifest
            )
            segment = await asyncio.to_thread(build_segment, report)
            reports.append((report, entry.file, content_hash(text, None), segment))
            vectors.append(await self._encode(report))
            progress(
                f"building {self.path.name} from the bundled corpus: "
                f"{report.symbol} ({len(report.paragraphs)} paragraphs)"
            )
        async with self._write_lock, writer.transaction():
            for (report, source, digest, segment), encoded in zip(reports, vectors, strict=True):
                await _put(writer, report, source=source, digest=digest, segment=segment)
                if encoded is not None:
                    await writer.put_vectors(report.symbol, encoded.model, encoded.to_bytes())
            snapshot = await self._rebuild_in(writer)
            await writer.set_state(BUNDLED_STATE_KEY, dt.datetime.now(dt.UTC).isoformat())
        self._snapshot = await self._with_semantic(snapshot, progress)
        total = sum(len(report.paragraphs) for report, *_ in reports)
        elapsed_s = time.perf_counter() - started
        elapsed = f"{elapsed_s:.1f} s"
        progress(f"built {self.path.name}: {len(reports)} reports, {total} paragraphs in {elapsed}")

    # ---- the series view (issue 11): order, names, timeline, trend, what's new, references ----

    def series(self) -> list[ReportMeta]:
        """Every report, oldest first."""
        return series_order([stored.meta for stored in self._reports.values()])

    async def timeline(
        self, question: str, *, first: int = 0, count: int | None = None
    ) -> Timeline:
        """Each report's best answering paragraph, oldest first, silent reports kept; only
        reports first..first+count-1 are quoted (a page), the rest only say if they answer."""
        assert self._searcher is not None, "Library.open loads the index"
        window = slice(first, None if count is None else first + count)
        return await build_timeline(
            self._searcher, self._reader.fetch_paragraphs, question, self.series(), window
        )

    async def trend(self, terms: Sequence[str]) -> Trend:
        """Exact counts of up to five terms (and their aliases) in each report, oldest first."""
        assert self._searcher is not None, "Library.open loads the index"
        try:
            specs = term_specs(terms, self._searcher.aliases)
        except TermError as error:
            raise UserError(str(error)) from None
        cache = self._series_state()
        metas = self.series()
        key = tuple((m.symbol, self._reports[m.symbol].content_hash) for m in metas)
        async with cache.lock:  # one tokeniser at a time: they share the vocabulary
            if cache.joined is None or cache.joined[0] != key:
                rows = [(meta, await self._report_terms(cache, meta.symbol)) for meta in metas]
                joined = await asyncio.to_thread(join_reports, rows)
                for i, report_key in enumerate(key):  # keep one copy: views into the join
                    stream = cache.streams[report_key]
                    cache.streams[report_key] = replace(stream, ids=joined.report_ids(i))
                cache.joined = (key, joined)
            joined = cache.joined[1]
        return await asyncio.to_thread(build_trend, specs, joined, cache.vocab)

    async def whatsnew(self, report: str) -> WhatsNew:
        """A report's paragraphs scored against the report before it in the series."""
        assert self._searcher is not None, "Library.open loads the index"
        symbol = await self.resolve_report(report)
        metas = self.series()
        previous = previous_in_series(symbol, metas)
        paragraphs = await self._reader.paragraphs(symbol)
        scored = await asyncio.to_thread(
            score_novelty,
            self._searcher.index,
            paragraphs,
            previous.symbol if previous else None,
        )
        return WhatsNew(self._reports[symbol].meta, previous, tuple(scored))

    async def paragraph_links(self, report: str, numbers: Sequence[int]) -> list[ParagraphLinks]:
        """For each paragraph: what it cites (and whether the library holds it), who cites it
        (found through the index: only paragraphs naming the report's symbol are read)."""
        symbol = await self.resolve_report(report)
        assert self._searcher is not None, "Library.open loads the index"
        candidates = await self._reader.fetch_paragraphs(mentioning(self._searcher.index, symbol))
        held: dict[str, set[int]] = {}
        out = []
        for paragraph in await self._reader.fetch_paragraphs([(symbol, n) for n in numbers]):
            refs = paragraph_references(paragraph)
            for ref in refs:
                if ref.symbol in self._reports and ref.symbol not in held:
                    held[ref.symbol] = set(await self._reader.paragraph_numbers(ref.symbol))
            out.append(
                ParagraphLinks(
                    (paragraph.report, paragraph.number),
                    tuple(refs),
                    tuple(
                        (ref.symbol, n)
                        for ref in refs
                        for n in ref.paragraphs
                        if n in held.get(ref.symbol, ())
                    ),
                    tuple(citing(candidates, (paragraph.report, paragraph.number))),
                )
            )
        return sorted(out, key=lambda links: links.key[1])

    def _series_state(self) -> _SeriesCache:
        """The trend's caches for the current set of reports: tokenised reports are kept by
        content hash, so after an ingest only the changed report is tokenised again."""
        cache = self._series_cache
        if cache is None:
            cache = self._series_cache = _SeriesCache(self._reports, Vocabulary(), {}, None)
        if cache.reports is not self._reports:
            cache.reports = self._reports
            hashes = {(s, r.content_hash) for s, r in self._reports.items()}
            cache.streams = {k: v for k, v in cache.streams.items() if k in hashes}
        return cache

    async def _report_terms(self, cache: _SeriesCache, symbol: str) -> ReportTerms:
        key = (symbol, self._reports[symbol].content_hash)
        found = cache.streams.get(key)
        if found is None:
            paragraphs = await self._reader.paragraphs(symbol)
            found = await asyncio.to_thread(report_terms, symbol, paragraphs, cache.vocab)
            cache.streams[key] = found
        return found


@dataclass
class _SeriesCache:
    """Tokenised reports for the trend, checked against `Library._reports` (by identity)."""

    reports: Mapping[str, StoredReport]
    vocab: Vocabulary
    streams: dict[tuple[str, str], ReportTerms]  # by (symbol, content hash)
    joined: tuple[tuple[tuple[str, str], ...], SeriesTerms] | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def _put(writer: Store, report: Report, *, source: str, digest: str, segment: bytes) -> None:
    await writer.put_report(
        report.meta,
        report.paragraphs,
        headings=report.headings,
        footnotes=report.footnotes,
        source=source,
        content_hash=digest,
        segment=segment,
    )


async def _segments_from_paragraphs(
    store: Store, metas: Mapping[str, ReportMeta]
) -> dict[str, bytes]:
    """Index every report again from its stored paragraphs, headings and footnotes."""
    segments: dict[str, bytes] = {}
    for symbol, meta in metas.items():
        report = Report(
            meta,
            tuple(await store.paragraphs(symbol)),
            tuple(await store.headings(symbol)),
            tuple(await store.footnotes(symbol)),
        )
        segments[symbol] = await asyncio.to_thread(build_segment, report)
    return segments


async def _searcher_from_blobs(
    blobs: Mapping[str, bytes | memoryview], metas: dict[str, ReportMeta]
) -> Searcher | None:
    if not blobs:
        return None
    try:
        return await asyncio.to_thread(Searcher.from_blobs, blobs, metas)  # type: ignore[arg-type]
    except (ValueError, KeyError):  # written by another version of the index
        return None


def base_blobs(
    searcher: Searcher, segments: Mapping[str, bytes], versions: Mapping[str, str]
) -> dict[str, bytes]:
    """What is stored for a base: the index, which report versions it indexed, their payloads."""
    blobs = searcher.to_blobs()
    blobs[TIER_VERSIONS_BLOB] = json.dumps(dict(versions), sort_keys=True).encode()
    extras = {symbol: read_segment_extras(data).decode() for symbol, data in segments.items()}
    blobs[TIER_EXTRAS_BLOB] = json.dumps(extras, sort_keys=True).encode()
    return blobs


def _json_blob(blobs: Mapping[str, bytes | memoryview], name: str) -> dict[str, str] | None:
    data = blobs.get(name)
    if data is None:
        return None
    try:
        found = json.loads(bytes(data))
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _tiered_searcher(
    base: Searcher,
    tiered: TieredIndex,
    extras: Mapping[str, bytes] | None,
    metas: Mapping[str, ReportMeta],
) -> Searcher:
    """A searcher over the tiered index: the base's aliases while nothing changed, else those
    of the live reports' payloads, merged again."""
    if not tiered.changed:
        return replace(base, index=tiered, reports=dict(metas), semantic=None)
    assert extras is not None
    learned, names = merge_extras({r: extras[r] for r in tiered.reports})
    return Searcher(tiered, learned, dict(metas), names)


def _check_segments(segments: dict[str, bytes], metas: dict[str, ReportMeta]) -> None:
    if missing := sorted(set(metas) - set(segments)):
        raise ValueError(f"no index segment for {', '.join(missing)}")


def _result(report: Report, status: Literal["added", "replaced", "unchanged"]) -> IngestResult:
    footnotes = {f.number for f in report.footnotes}
    footnotes.update(f.number for p in report.paragraphs for f in p.footnotes)
    return IngestResult(
        symbol=report.symbol,
        status=status,
        paragraph_count=len(report.paragraphs),
        footnote_count=len(footnotes),
        warnings=report.warnings,
    )


def content_hash(text: str, flags: MetaFlags | None, *, allow_irregular: bool = False) -> str:
    """Fingerprint of everything that decides what ingest stores: the text and the options."""
    options = {
        "symbol": flags.symbol if flags else None,
        "date": str(flags.date) if flags and flags.date else None,
        "title": flags.title if flags else None,
        "allow_irregular": allow_irregular,
    }
    payload = json.dumps(options, sort_keys=True) + "\n" + text
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def symbol_order(symbol: str) -> tuple[int, int, str]:
    """Sort key for symbols: year, then number ("S/2016/501" before "S/2018/80")."""
    numbers = [int(part) for part in re.findall(r"\d+", symbol)]
    years = [n for n in numbers if 1945 <= n <= 2999]
    year = years[0] if years else 0
    number = numbers[-1] if numbers and numbers[-1] != year else 0
    return (year, number, symbol)


def number_ranges(numbers: Sequence[int]) -> str:
    """Compact ranges for a message: [1, 2, 3, 5] -> "1-3, 5"."""
    if not numbers:
        return "none"
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


def _resolve(typed: str, reports: Mapping[str, StoredReport]) -> str:
    """Canonical symbol for a loosely typed one ("s/2018/80"); else UnknownReport."""
    known = sorted(reports, key=symbol_order)
    wanted = _normalized(typed)
    for symbol in known:
        if _normalized(symbol).casefold() == wanted.casefold():
            return symbol
    try:  # "sixth report", "latest"
        named = resolve_series_name(typed, series_order([s.meta for s in reports.values()]))
    except SeriesNameError as error:
        raise UnknownReport(str(error)) from None
    if named is not None:
        return named
    if not known:
        raise UnknownReport(f"no report {wanted}: the library is empty (add one with ingest)")
    closest = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
    hint = f"; did you mean {closest[0]}?" if closest else ""
    raise UnknownReport(f"no report {wanted} (known: {', '.join(known)}{hint})")


def _normalized(typed: str) -> str:
    try:
        return normalize_symbol(typed)
    except (UserError, ValueError):
        return " ".join(typed.split())


def _silent(_: str) -> None:
    """Progress sink when the caller wants none."""
