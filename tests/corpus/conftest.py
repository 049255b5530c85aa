"""Fixtures for the parser's tests: the shipped reports, decoded and parsed once per session."""

from __future__ import annotations

import pytest

from corpus.decode import decode_text
from corpus.files import bundled_manifest, bundled_texts
from corpus.manifest import ManifestEntry
from corpus.parse import ParsedReport, parse_document


@pytest.fixture(scope="session")
def manifest() -> list[ManifestEntry]:
    return bundled_manifest()


@pytest.fixture(scope="session")
def shipped_texts() -> dict[str, str]:
    """Symbol -> the shipped file's text, as decoded for parsing."""
    return {entry.meta.symbol: decode_text(data) for entry, data in bundled_texts()}


@pytest.fixture(scope="session")
def shipped(
    manifest: list[ManifestEntry], shipped_texts: dict[str, str]
) -> dict[str, ParsedReport]:
    """Symbol -> the shipped report parsed with the bundled manifest (matched by file name)."""
    files = {entry.meta.symbol: entry.file for entry in manifest}
    return {
        symbol: parse_document(text, source=files[symbol], manifest=manifest)
        for symbol, text in shipped_texts.items()
    }
