"""The manifest (manifest.toml): which file holds which report, with the metadata texts omit."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from typing import Any

from corpus.citation import normalize_symbol
from corpus.errors import ParseError, UserError
from corpus.model import ReportMeta

_KEYS = {"symbol", "file", "date", "ordinal", "title", "language", "layout"}


@dataclass(frozen=True)
class ManifestEntry:
    """One [[report]] table: the report's metadata and the file (relative name) holding its text."""

    meta: ReportMeta
    file: str
    layout: str | None = None


def parse_manifest(text: str, *, source: str = "manifest.toml") -> list[ManifestEntry]:
    """Read and validate a manifest; errors name the entry (by position and symbol) and the key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParseError(f"not valid TOML: {error}", source=source) from None
    tables = document.get("report", [])
    if not isinstance(tables, list):
        raise ParseError("'report' must be an array of tables ([[report]])", source=source)
    entries = [_entry(table, index, source) for index, table in enumerate(tables, 1)]
    _refuse_duplicates(entries, source)
    return entries


def _entry(table: Any, index: int, source: str) -> ManifestEntry:
    name = f"entry {index}"
    if not isinstance(table, dict):
        raise ParseError(f"{name} is not a table", source=source)
    if isinstance(table.get("symbol"), str):
        name = f"entry {index} ({table['symbol']})"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ParseError(
            f"{name}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})", source=source
        )
    symbol = _symbol(table, name, source)
    file = _text(table, "file", name, source, required=True)
    meta = ReportMeta(
        symbol=symbol,
        title=_text(table, "title", name, source) or "",
        date=_date(table.get("date"), name, source),
        ordinal=_ordinal(table.get("ordinal"), name, source),
        language=_text(table, "language", name, source) or "en",
    )
    layout = _text(table, "layout", name, source) or None
    return ManifestEntry(meta=meta, file=file, layout=layout)


def _symbol(table: dict[str, Any], name: str, source: str) -> str:
    raw = _text(table, "symbol", name, source, required=True)
    try:
        return normalize_symbol(raw)
    except UserError as error:
        raise ParseError(f"{name}: {error}", source=source) from None


def _text(
    table: dict[str, Any], key: str, name: str, source: str, *, required: bool = False
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise ParseError(f"{name}: missing {key!r}", source=source)
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ParseError(f"{name}: {key!r} must be a non-empty string", source=source)
    return value.strip()


def _date(value: Any, name: str, source: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParseError(f"{name}: bad date {value!r} (expected YYYY-MM-DD)", source=source)


def _ordinal(value: Any, name: str, source: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParseError(f"{name}: 'ordinal' must be a whole number from 1", source=source)
    return value


def _refuse_duplicates(entries: list[ManifestEntry], source: str) -> None:
    seen_symbols: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for index, entry in enumerate(entries, 1):
        first = seen_symbols.setdefault(entry.meta.symbol, index)
        if first != index:
            raise ParseError(
                f"entries {first} and {index} both describe {entry.meta.symbol}", source=source
            )
        first = seen_files.setdefault(entry.file, index)
        if first != index:
            raise ParseError(
                f"entries {first} and {index} both name the file {entry.file!r}", source=source
            )
