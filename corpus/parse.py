"""SKELETON (being written): text in, a Report out, by the structure of the text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.model import Report, ReportMeta


@dataclass(frozen=True)
class MetaFlags:
    """Metadata given on the command line or in /ingest options; the last source consulted."""

    symbol: str | None = None
    date: object | None = None  # datetime.date
    title: str | None = None


def parse_report(
    text: str,
    *,
    source: str | None = None,
    manifest: Sequence[ReportMeta] = (),
    flags: MetaFlags | None = None,
    allow_irregular: bool = False,
) -> Report:
    """Parse a report; metadata from the text, else the manifest entry, else flags."""
    raise NotImplementedError
