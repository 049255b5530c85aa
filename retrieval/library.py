"""The async façade the bot and the CLI use: open a database, then ask, cite, ingest, remove.

SKELETON: signatures are the contract between retrieval and bot; bodies are being written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from corpus.model import Paragraph
from retrieval.answer import Answer, IngestResult, ReportSummary

ProgressFn = Callable[[str], None]


class Library:
    """Holds one database connection and the in-memory index; every method is safe on the loop."""

    @classmethod
    async def open(
        cls,
        db_path: Path | str,
        *,
        bootstrap: bool = True,
        read_only: bool = False,
        progress: ProgressFn | None = None,
    ) -> Library:
        """Open (creating and migrating) the database; build it from the bundled corpus if new."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Library:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def reports(self) -> list[ReportSummary]:
        """Every report, in symbol order (year, then number)."""
        raise NotImplementedError

    async def resolve_report(self, typed: str) -> str:
        """Canonical symbol for a loosely typed one ("s/2018/80"); else UnknownReport."""
        raise NotImplementedError

    async def cite(self, report: str, first: int, last: int | None = None) -> list[Paragraph]:
        """Paragraphs first..last (inclusive) of a report; UnknownReport / UnknownParagraph."""
        raise NotImplementedError

    async def export(self, report: str | None = None) -> list[Paragraph]:
        """Every paragraph (of one report, or all) in citation order."""
        raise NotImplementedError

    async def ask(
        self,
        question: str,
        *,
        k: int = 3,
        report: str | None = None,
        year: int | None = None,
    ) -> Answer:
        """Rank paragraphs for a question; never raises for odd input, explains empty answers."""
        raise NotImplementedError

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
        raise NotImplementedError

    async def remove(self, report: str) -> ReportSummary:
        """Delete a report and its index segment in one transaction; returns what was removed."""
        raise NotImplementedError
