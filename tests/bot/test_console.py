"""`reportbot console` and `reportbot sync`, and how the bot is built (no Discord needed)."""

from __future__ import annotations

import io

import discord
import pytest
from discord.ext import commands

from bot import Settings, create_bot
from bot.cli import main
from bot.client import ReportBot, ShardedReportBot, invite_url
from bot.console import run_console
from bot.replies import render_paragraphs, render_text
from bot.tree import ReportTree
from tests.bot.conftest import REPORT_2018


async def console(settings: Settings, text: str) -> str:
    out = io.StringIO()
    status = await run_console(settings, io.StringIO(text), out)
    assert status == 0
    return out.getvalue()


async def test_console_cite_prints_what_the_bot_would_post(settings: Settings) -> None:
    output = await console(settings, "/cite S/2018/80 13\n")
    assert output.startswith("## S/2018/80, para. 13  <https://undocs.org/en/S/2018/80>")
    assert "-- S/2018/80 · 31 January 2018" in output

    from retrieval.library import Library

    async with await Library.open(settings.db_path) as library:
        paragraphs = await library.cite(REPORT_2018, 13)
    expected = render_text(
        render_paragraphs(paragraphs, link_base_url=settings.link_base_url, date=None)[0]
    )
    # The bot adds References and Cited by fields after the text (issue 11); the text is the same.
    assert output.split("\n-- ")[0].startswith(expected.split("\n-- ")[0])
    assert "**References**\n[S/2017/35, para. 22](https://undocs.org/en/S/2017/35)" in output


async def test_console_ask_reports_help_and_errors(settings: Settings) -> None:
    output = await console(
        settings,
        "/ask hawala cash couriers results:2\n/reports\n/help\n/cite S/1999/1 1\n/nope\nquit\n"
        "/reports\n",
    )
    assert "## Results for “hawala cash couriers”" in output
    assert "2 of " in output
    assert "## 2 reports" in output
    assert "/cite <report>" in output
    assert "(only you can see this)" in output
    assert "Unknown command '/nope'" in output
    assert output.count("## 2 reports") == 1  # nothing after quit


async def test_console_stops_at_end_of_input(settings: Settings) -> None:
    assert await console(settings, "") == ""


def test_sync_without_a_token_says_what_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "--guild", "123"], env={}) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err


def test_create_bot_builds_without_starting() -> None:
    bot = create_bot(Settings())
    assert isinstance(bot, ReportBot)
    assert isinstance(bot.tree, ReportTree)
    assert bot.intents == discord.Intents.default()
    assert not bot.intents.message_content
    assert bot.command_prefix is commands.when_mentioned
    assert bot.allowed_mentions is not None
    assert bot.allowed_mentions.to_dict() == {"parse": []}
    assert not bot.is_ready()


def test_create_bot_shards_when_asked() -> None:
    bot = create_bot(Settings(shard_count=3, shard_ids=(0, 2)))
    assert isinstance(bot, ShardedReportBot)
    assert isinstance(bot, ReportBot)
    assert isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_count == 3
    assert bot.shard_ids == [0, 2]


def test_invite_asks_for_the_four_permissions_the_bot_uses() -> None:
    assert invite_url(123) == (
        "https://discord.com/oauth2/authorize?client_id=123"
        "&scope=bot+applications.commands&permissions=84992"
    )


def test_console_builds_a_new_database_with_progress_on_stderr(
    tmp_path, capsys, monkeypatch
) -> None:
    """A first run says what it is building on stderr; stdout stays exactly the replies."""
    monkeypatch.setattr("sys.stdin", io.StringIO("/reports\n"))
    db = tmp_path / "fresh.sqlite3"
    status = main(["--db", str(db), "console"], env={})
    out, err = capsys.readouterr()
    assert status == 0
    assert "from the bundled corpus" in err
    assert "building" not in out
    assert out.startswith("## 2 reports")


def test_console_honours_read_only(tmp_path, capsys, monkeypatch) -> None:
    """REPORTBOT_READ_ONLY: the console never creates or writes the database."""
    monkeypatch.setattr("sys.stdin", io.StringIO("/reports\n"))
    db = tmp_path / "missing.sqlite3"
    status = main(["--db", str(db), "console"], env={"REPORTBOT_READ_ONLY": "1"})
    out, err = capsys.readouterr()
    assert status == 2
    assert "missing.sqlite3" in err
    assert out == ""
    assert not db.exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/ask oil results:abc", "results must be a whole number from 1 to 10; you gave “abc”"),
        ("/ask oil results:1.5", "results must be a whole number from 1 to 10; you gave “1.5”"),
        ("/ask oil results:50", "results must be a whole number from 1 to 10; you gave 50"),
        ("/ask oil results:0", "results must be a whole number from 1 to 10; you gave 0"),
        ("/ask oil results:-1", "results must be a whole number from 1 to 10; you gave -1"),
        ("/ask oil results:", "results: needs a value"),
        ("/ask oil reslts:2", "Unknown option “reslts:”; did you mean results:?"),
        ("/ask oil reprt:S/2018/80", "did you mean report:?"),
        ("/cite S/2018/80 1-11", "at most 10 paragraphs"),
    ],
)
async def test_console_refuses_bad_values_instead_of_clamping(
    settings: Settings, line: str, message: str
) -> None:
    output = await console(settings, line + "\n")
    assert output.startswith("(only you can see this) ")
    assert message in output


async def test_console_results_within_range_are_honoured(settings: Settings) -> None:
    output = await console(settings, "/ask oil revenue results:1\n/ask oil revenue results:10\n")
    first, second = output.split("## Results")[1:]
    assert "-- 1 of " in first
    assert "-- 10 of " in second


async def test_console_suggests_the_command_meant(settings: Settings) -> None:
    output = await console(settings, "/aks oil\nreports\n/zzz\n")
    assert "Unknown command '/aks'. Did you mean /ask?" in output
    assert "Did you mean /reports?" in output
    assert "Unknown command '/zzz'. Type /help" in output


async def test_console_keeps_year_filters_as_question_syntax(settings: Settings) -> None:
    output = await console(settings, "/ask hawala year:2016\n")
    assert "(only you can see this)" not in output
    assert "S/2016/501" in output
