"""corpus's only I/O: the bundled reports and their manifest, and report files named by users."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from corpus.decode import MAX_REPORT_BYTES, decode_text
from corpus.errors import ParseError, UserError
from corpus.manifest import ManifestEntry, parse_manifest
from corpus.metadata import MetaFlags
from corpus.model import Report
from corpus.parse import parse_report

_DATA = resources.files("corpus") / "data"  # shipped inside the wheel as package data
_MANIFEST = "manifest.toml"


def bundled_manifest() -> list[ManifestEntry]:
    """The entries of the bundled corpus/data/manifest.toml, in file order."""
    return list(_bundled_manifest())


def bundled_texts() -> list[tuple[ManifestEntry, bytes]]:
    """Each bundled report's manifest entry with the raw bytes of its text file."""
    return [(entry, (_DATA / entry.file).read_bytes()) for entry in _bundled_manifest()]


def bundled_reports() -> list[Report]:
    """The bundled reports, parsed (once per process: the files never change)."""
    return list(_bundled_reports())


def read_report(
    path: Path,
    *,
    manifest: Sequence[ManifestEntry] = (),
    flags: MetaFlags | None = None,
    allow_irregular: bool = False,
) -> Report:
    """Read, decode and parse one report file; every failure is a UserError naming the file."""
    data = _read_bytes(Path(path))
    text = decode_text(data, source=str(path))
    return parse_report(
        text, source=str(path), manifest=manifest, flags=flags, allow_irregular=allow_irregular
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:  # refuse before reading it all into memory
            raise ParseError(
                f"the file is {size:,} bytes; reports over {MAX_REPORT_BYTES:,} bytes are refused",
                source=str(path),
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a report file") from None
    except PermissionError:
        raise UserError(f"{path}: permission denied") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror or error})") from None


@functools.cache
def _bundled_manifest() -> tuple[ManifestEntry, ...]:
    text = (_DATA / _MANIFEST).read_text(encoding="utf-8")
    return tuple(parse_manifest(text, source=f"corpus/data/{_MANIFEST}"))


@functools.cache
def _bundled_reports() -> tuple[Report, ...]:
    manifest = _bundled_manifest()
    return tuple(
        parse_report(decode_text(data, source=entry.file), source=entry.file, manifest=manifest)
        for entry, data in bundled_texts()
    )
