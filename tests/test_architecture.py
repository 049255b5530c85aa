"""The dependency direction is a promise: corpus <- retrieval <- bot, each library in one home."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_top_level_names(path: Path) -> set[str]:
    """Top-level module names imported by every .py file under `path` (or by one file)."""
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    names: set[str] = set()
    for file in files:
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_corpus_imports_nothing_above_it() -> None:
    forbidden = {"bot", "retrieval", "discord", "aiosqlite", "rank_bm25", "numpy", "Stemmer"}
    assert not imported_top_level_names(ROOT / "corpus") & forbidden


def test_retrieval_never_imports_discord_or_bot() -> None:
    assert not imported_top_level_names(ROOT / "retrieval") & {"bot", "discord"}


@pytest.mark.parametrize(
    ("library", "home"),
    [
        ("aiosqlite", "retrieval/store.py"),
        ("Stemmer", "retrieval/tokenize.py"),
        ("discord", "bot"),
        ("pypdfium2", "corpus/pdf_glyphs.py"),
        ("aiohttp", "bot"),  # the network is an edge: links (fetching.py) and uploads
    ],
)
def test_each_outside_library_has_one_home(library: str, home: str) -> None:
    home_path = ROOT / home
    for package in ("corpus", "retrieval", "bot"):
        for file in (ROOT / package).rglob("*.py"):
            if file == home_path or home_path in file.parents:
                continue
            assert library not in imported_top_level_names(file), f"{file} imports {library}"


def test_pure_modules_do_no_io() -> None:
    """Parsing, ranking and rendering take and return values: no files, sockets or SQL."""
    pure = [
        p
        for p in [
            *(ROOT / "corpus").glob("*.py"),
            ROOT / "retrieval" / "tokenize.py",
            ROOT / "retrieval" / "index.py",
            ROOT / "retrieval" / "segment.py",
            ROOT / "retrieval" / "excerpt.py",
            ROOT / "bot" / "replies.py",
        ]
        if p.exists() and p.name != "files.py"
    ]
    io_modules = {"aiosqlite", "sqlite3", "socket", "subprocess", "shutil", "urllib", "http"}
    for file in pure:
        assert not imported_top_level_names(file) & io_modules, file
        source = file.read_text(encoding="utf-8")
        assert "open(" not in source.replace("Library.open(", ""), f"{file} opens files"
