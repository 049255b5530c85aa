"""`reportbot timeline|trend|whatsnew` and the console's /timeline /trend /whatsnew print what
the bot posts, from the same renderers."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from bot import Settings
from bot.cli import main
from bot.console import run_console
from bot.replies import render_text
from bot.series_commands import timeline_pages, trend_answer
from retrieval.library import Library
from tests.series_reports import DRONES, SEVENTH


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    status = main(list(argv), env={})
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def bot_text(db: Path, make) -> str:  # type: ignore[no-untyped-def]
    """What the bot would post, rendered in this process from the same library."""

    async def go() -> str:
        async with await Library.open(db, bootstrap=False) as library:
            return await make(library)

    return asyncio.run(go())


def test_timeline_prints_every_report_oldest_first(capsys, series_db: Path) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(capsys, "--db", str(series_db), "timeline", "drones")
    assert status == 0
    assert out.index("S/2016/501") < out.index("S/2018/80") < out.index(SEVENTH)
    assert out.count("silent on this") == 2
    assert f"{SEVENTH}, para. {DRONES}" in out

    async def expected(library: Library) -> str:
        pages = await timeline_pages(
            library, "drones", link_base_url=Settings().link_base_url, per_page=10
        )
        return render_text(pages[0])

    assert out.strip() == bot_text(series_db, expected).strip()


def test_trend_prints_the_table_and_writes_the_png(capsys, series_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = tmp_path / "trend.png"
    status, out, _ = run(
        capsys, "--db", str(series_db), "trend", "ISIL,", "drones", "--png", str(chart)
    )
    assert status == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"Chart: {chart}" in out
    seventh = next(line for line in out.splitlines() if line.startswith(SEVENTH))
    assert re.search(r"\(4\)$", seventh)  # four drone mentions in the generated report

    async def expected(library: Library) -> str:
        answer = await trend_answer(library, "ISIL, drones", image=str(chart))
        return render_text(answer.reply)

    assert out.strip() == bot_text(series_db, expected).strip()


def test_trend_phrases_in_shell_words(capsys, series_db: Path) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(capsys, "--db", str(series_db), "trend", "oil revenue", "ISIL")
    assert status == 0
    assert "oil revenue" in out.splitlines()[2]  # the table's head: one column per term
    assert "Chart:" not in out


def test_trend_bad_terms_exit_2(capsys, series_db: Path) -> None:  # type: ignore[no-untyped-def]
    status, _, err = run(
        capsys, "--db", str(series_db), "trend", "a1", "b2", "c3", "d4", "e5", "f6"
    )
    assert status == 2
    assert "at most 5 terms" in err


def test_whatsnew_accepts_words_and_an_unknown_place_exits_2(capsys, series_db: Path) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(capsys, "--db", str(series_db), "whatsnew", "the", "latest", "report")
    assert status == 0
    assert f"What's new in {SEVENTH}: 2 of 88 paragraphs" in out
    status, _, err = run(capsys, "--db", str(series_db), "whatsnew", "ninth", "report")
    assert status == 2
    assert "no ninth report" in err


def test_console_runs_the_series_commands(series_db: Path) -> None:
    out = io.StringIO()
    script = "/timeline drones\n/trend ISIL, drones\n/whatsnew latest\n/timeline\nquit\n"
    status = asyncio.run(run_console(Settings(db_path=series_db), io.StringIO(script), out))
    text = out.getvalue()
    assert status == 0
    assert "## Timeline: “drones”" in text
    chart = re.search(r"Chart: (\S+\.png)", text)
    assert chart is not None
    assert Path(chart[1]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    Path(chart[1]).unlink()
    assert f"What's new in {SEVENTH}" in text
    assert "(only you can see this) Usage: /timeline" in text
