"""SIGKILL in the middle of a write transaction leaves exactly the previous state (SQLite A3)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from corpus.model import Paragraph
from retrieval.library import Library

# A test-only writer: it replaces S/2018/80 through the store API with a paragraph iterator that
# announces, from inside the open transaction, that it is ready to be killed, then stalls.
WRITER = textwrap.dedent(
    """
    import asyncio
    import sys
    import time

    from corpus.model import Paragraph, ReportMeta
    from retrieval.store import Store


    def stalling_paragraphs():
        for number in range(1, 500):
            yield Paragraph("S/2018/80", number, f"replacement text {number}")
            if number == 200:
                print("inside-transaction", flush=True)
                time.sleep(120)


    async def main(path):
        store = await Store.open(path)
        async with store.transaction():
            await store.put_blobs({"half": b"written"})
            await store.put_report(
                ReportMeta("S/2018/80", "replacement"),
                stalling_paragraphs(),
                source="crash",
                content_hash="never-committed",
                segment=b"never",
            )


    asyncio.run(main(sys.argv[1]))
    """
)


def test_sigkill_mid_ingest_keeps_the_previous_state(
    bundled_db: Path, tmp_path: Path, table_checksums
) -> None:
    before = table_checksums(bundled_db)
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, str(script), str(bundled_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        line = writer.stdout.readline()
        assert line.strip() == "inside-transaction", writer.stderr.read() if writer.stderr else ""
        # The transaction really is open: another connection cannot start a write.
        with (
            sqlite3.connect(bundled_db, timeout=0.1) as probe,
            pytest.raises(sqlite3.OperationalError),
        ):
            probe.execute("BEGIN IMMEDIATE")
        probe.close()
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    with sqlite3.connect(bundled_db) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    assert table_checksums(bundled_db) == before


async def _old_state(db: Path) -> list[Paragraph]:
    async with await Library.open(db, bootstrap=False) as library:
        return await library.export("S/2018/80")


async def _check_reopened(db: Path, expected: list[Paragraph]) -> None:
    async with await Library.open(db, bootstrap=False) as library:
        assert await library.export("S/2018/80") == expected
        assert (await library.cite("S/2018/80", 86))[0].number == 86
        answer = await library.ask("revenues oil gas fields", report="S/2018/80")
        assert all(hit.paragraph in expected for hit in answer.hits)


def test_the_library_reopens_after_a_kill_with_the_old_report(
    bundled_db: Path, tmp_path: Path
) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    expected = asyncio.run(_old_state(bundled_db))
    writer = subprocess.Popen(
        [sys.executable, str(script), str(bundled_db)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "inside-transaction"
    writer.kill()
    writer.communicate(timeout=30)
    asyncio.run(_check_reopened(bundled_db, expected))
