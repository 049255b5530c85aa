"""Snapshot consistency: an answer never mixes two versions of the database.

A report is replaced over and over (in this process, and from another process) while questions
are asked in parallel. Each version has its own paragraph count and its own word, so an answer
whose quotes, count or citations come from two versions shows up as "mixed".
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import retrieval.library as library_module
from retrieval.answer import Answer
from retrieval.library import Library
from tests.conftest import make_report_text

SYMBOL = "S/2099/7"
WORD = "zqxvorn"  # in no bundled report
VERSIONS = {  # version name -> paragraphs; the counts differ so the footer tells them apart
    "alpha": [f"The {WORD} alpha finding number {i} concerns the alpha region." for i in range(3)],
    "beta": [f"A {WORD} beta observation {i} on beta matters, in more words." for i in range(6)],
}
MIN_ASKS = 500
ROOT = Path(__file__).resolve().parents[2]


def version_bytes(name: str) -> bytes:
    return make_report_text(VERSIONS[name], title=f"Report on {name}").encode()


def classify(answer: Answer) -> str:
    """The version an answer comes from, or "mixed" if its parts disagree."""
    names = {
        name
        for hit in answer.hits
        for name in VERSIONS
        if name in hit.paragraph.text and WORD in hit.paragraph.text
    }
    if len(names) != 1 or len(answer.hits) != min(10, answer.total):
        return "mixed"
    (name,) = names
    expected = VERSIONS[name]
    numbers = sorted(hit.paragraph.number for hit in answer.hits)
    ok = answer.total == len(expected) and numbers == list(range(1, len(expected) + 1))
    ok = ok and all(h.paragraph.text == expected[h.paragraph.number - 1] for h in answer.hits)
    return name if ok else "mixed"


async def ask_until(library: Library, stop: asyncio.Event, seen: list[str]) -> None:
    while not stop.is_set() or len(seen) < MIN_ASKS:
        seen.append(classify(await library.ask(WORD, k=10)))


async def test_answers_never_mix_versions_while_a_report_is_replaced(library: Library) -> None:
    await library.ingest(version_bytes("alpha"), source="a.txt", symbol=SYMBOL)
    seen: list[str] = []
    stop = asyncio.Event()

    async def replace_continuously() -> int:
        swaps = 0
        while len(seen) < MIN_ASKS:
            name = "beta" if swaps % 2 == 0 else "alpha"
            await library.ingest(version_bytes(name), source=f"{name}.txt", symbol=SYMBOL)
            swaps += 1
        stop.set()
        return swaps

    askers = [ask_until(library, stop, seen) for _ in range(4)]
    swaps, *_ = await asyncio.gather(replace_continuously(), *askers)
    assert len(seen) >= MIN_ASKS
    assert swaps >= 4
    assert seen.count("mixed") == 0
    assert {"alpha", "beta"} <= set(seen)


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from retrieval.library import Library

    async def main(db, stop, versions):
        library = await Library.open(db, bootstrap=False)
        swaps = 0
        try:
            while not Path(stop).exists():
                name = versions[swaps % 2]
                data = Path(name).read_bytes()
                await library.ingest(data, source=Path(name).name, symbol=sys.argv[4])
                swaps += 1
        finally:
            await library.close()
        print(swaps)

    asyncio.run(main(sys.argv[1], sys.argv[2], [sys.argv[3], sys.argv[5]]))
    """
)


async def test_answers_never_mix_versions_while_another_process_replaces(
    library_factory, bundled_db: Path, tmp_path: Path
) -> None:
    library = await library_factory(bundled_db)
    await library.ingest(version_bytes("alpha"), source="a.txt", symbol=SYMBOL)
    files = []
    for name in ("beta", "alpha"):
        files.append(tmp_path / f"{name}.txt")
        files[-1].write_bytes(version_bytes(name))
    stop_file = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", WRITER, str(bundled_db), str(stop_file), str(files[0]), SYMBOL]
    writer = await asyncio.create_subprocess_exec(
        *argv, str(files[1]), env=env, stdout=subprocess.PIPE, cwd=ROOT
    )
    seen: list[str] = []
    try:
        while len(seen) < MIN_ASKS or len(set(seen)) < 2:
            seen.append(classify(await library.ask(WORD, k=10)))
            if len(seen) > 20 * MIN_ASKS:
                break
    finally:
        stop_file.touch()
        out, _ = await asyncio.wait_for(writer.communicate(), timeout=120)
    assert writer.returncode == 0
    assert int(out) >= 2, "the other process replaced the report at least twice"
    assert len(seen) >= MIN_ASKS
    assert seen.count("mixed") == 0
    assert {"alpha", "beta"} <= set(seen), "the asker noticed the other process's changes"


async def test_a_running_library_sees_a_cli_ingest_before_its_next_answer(
    library_factory, bundled_db: Path, tmp_path: Path
) -> None:
    library = await library_factory(bundled_db)
    assert not (await library.ask(WORD)).hits
    path = tmp_path / "new.txt"
    path.write_bytes(version_bytes("beta"))
    cli = [sys.executable, "-m", "bot", "--db", str(bundled_db), "ingest", str(path)]
    done = await asyncio.to_thread(
        subprocess.run, [*cli, "--symbol", SYMBOL], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer = await library.ask(WORD, k=10)
    assert classify(answer) == "beta"
    assert SYMBOL in [r.meta.symbol for r in await library.reports()]
    assert (await library.cite(SYMBOL, 6))[0].text == VERSIONS["beta"][5]


async def test_the_pinned_answer_is_the_same_answer(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When writes keep overtaking, an answer is made inside one read transaction instead."""
    await library.ingest(version_bytes("beta"), source="b.txt", symbol=SYMBOL)
    questions = [WORD, "oil revenue", "foreign terrorist fighters"]
    optimistic = [await library.ask(q, k=10) for q in questions]
    monkeypatch.setattr(library_module, "ANSWER_ATTEMPTS", 0)  # every answer goes pinned
    pinned = [await library.ask(q, k=10) for q in questions]
    for one, other in zip(optimistic, pinned, strict=True):
        assert [h.citation for h in one.hits] == [h.citation for h in other.hits]
        assert [h.excerpt.text for h in one.hits] == [h.excerpt.text for h in other.hits]
        assert one.total == other.total
    assert classify(pinned[0]) == "beta"
