"""/ask, "Find in reports" and @mention questions, through SimCord on the bundled corpus."""

from __future__ import annotations

import asyncio
import logging
import re

import discord
import pytest
import simcord

from bot.cogs._shared import DEFER_AFTER_S
from bot.cogs.ask import MENTION_HELP
from bot.tree import SORRY
from bot.views import ONLY_THE_ASKER
from tests.bot.conftest import REPORT_2018, Sim, all_text, announce_message_update, plain

CITATION = re.compile(r"\[(S/\d+/\d+), para\. (\d+)\]\((https://[^)]+)\)")


def was_answered_directly(sim: Sim) -> bool:
    """The first response was the answer itself (type 4), with no "thinking…" first."""
    callbacks = [r.json for r in sim.env.http_requests if r.path.endswith("/callback")]
    return callbacks[-1]["type"] == 4


def public_bot_messages(sim: Sim) -> list[discord.Message]:
    """What another member sees from the bot in the channel."""
    history = sim.channel.history(viewer=sim.bob)
    return [m for m in history if m.author.id == sim.bot.user.id]


def break_search(sim: Sim, monkeypatch: pytest.MonkeyPatch, delay_s: float = 0) -> None:
    async def broken_ask(*_: object, **__: object) -> None:
        await asyncio.sleep(delay_s)
        raise RuntimeError("index on fire")

    monkeypatch.setattr(sim.bot.library, "ask", broken_ask)


def assert_logged_with_traceback(caplog: pytest.LogCaptureFixture, command: str) -> None:
    failure = next(r for r in caplog.records if r.name == "reportbot.bot")
    assert failure.getMessage() == f"/{command} failed"
    assert failure.exc_info is not None
    assert "index on fire" in caplog.text


async def assert_quotes_are_verbatim(sim: Sim, description: str) -> list[tuple[str, int]]:
    """Every quote in an answer is a slice of the paragraph its citation names."""
    cited = []
    for block in description.split("\n\n"):
        match = CITATION.search(block)
        if match is None:
            continue
        report, number, url = match.group(1), int(match.group(2)), match.group(3)
        assert url == f"https://undocs.org/en/{report}"
        (paragraph,) = await sim.bot.library.cite(report, number)
        quote_lines = [ln for ln in block.split("\n") if ln.startswith("> ")]
        for line in quote_lines:
            assert plain(line).strip("…") in paragraph.text
        cited.append((report, number))
    assert cited, description
    return cited


async def test_ask_quotes_cited_paragraphs_with_links(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="How does ISIL generate revenue?")
    assert was_answered_directly(sim)
    assert not result.ephemeral
    embed = result.response.embeds[0]
    cited = await assert_quotes_are_verbatim(sim, embed.description)
    assert len(cited) == sim.bot.settings.default_results
    assert re.fullmatch(r"3 of \d+ matching paragraphs", embed.footer.text)
    assert "**" in embed.description  # matched words in bold


async def test_results_option_and_report_filter(sim: Sim) -> None:
    result = await sim.alice.slash(
        sim.channel, "ask", question="foreign terrorist fighters", report="s/2018/80", results=5
    )
    cited = await assert_quotes_are_verbatim(sim, result.response.embeds[0].description)
    assert len(cited) == 5
    assert {report for report, _ in cited} == {REPORT_2018}


async def test_unknown_report_filter_is_a_private_message_naming_the_reports(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="oil", report="S/1999/1")
    assert result.ephemeral
    assert REPORT_2018 in result.response.content
    assert len(sim.env.errors) == 1  # read, so SimCord does not re-raise the handled error


async def test_no_match_says_so_and_suggests_rephrasing(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="xylophone quintessence zebra")
    embed = result.response.embeds[0]
    assert embed.title == "No matching paragraphs"
    assert "Try" in embed.description
    (row,) = result.response.components  # no paragraphs to show in full
    (button,) = row["components"]
    assert button["label"] == "More results"
    assert button["disabled"]


async def test_more_results_pages_in_place_for_the_asker_only(sim: Sim) -> None:
    first = await sim.alice.slash(sim.channel, "ask", question="ISIL financing oil")
    first_cited = await assert_quotes_are_verbatim(sim, first.response.embeds[0].description)

    refused = await sim.bob.click(first.response, label="More results")
    assert refused.ephemeral
    assert refused.response.content == ONLY_THE_ASKER

    page = await sim.alice.click(first.response, label="More results")
    assert page.response.id == first.response.id  # edited in place, no new message
    embed = page.response.embeds[0]
    second_cited = await assert_quotes_are_verbatim(sim, embed.description)
    assert not set(first_cited) & set(second_cited)
    assert embed.footer.text.startswith("4–6 of ")


async def test_an_answer_changed_on_discord_still_pages(sim: Sim) -> None:
    """discord.py refreshes a message's view from every MESSAGE_UPDATE: a view method of the
    same name as its hook once took the components for a reply and failed in the gateway."""
    first = await sim.alice.slash(sim.channel, "ask", question="ISIL financing oil")
    announce_message_update(sim, first.response)
    page = await sim.alice.click(first.response, label="More results")
    assert page.response.embeds[0].footer.text.startswith("4–6 of ")
    assert not sim.env.errors


async def test_show_full_paragraph_answers_privately_with_footnotes(sim: Sim) -> None:
    result = await sim.alice.slash(
        sim.channel, "ask", question="revenues oil antiquities", report=REPORT_2018
    )
    options = result.response.components[1]["components"][0]["options"]
    assert all(1 <= len(o["description"]) <= 100 for o in options)
    value = options[0]["value"]
    report, _, number = value.rpartition("|")
    shown = await sim.bob.select(result.response, [value])  # anyone may read a paragraph
    assert shown.ephemeral
    embed = shown.response.embeds[0]
    assert embed.title == f"{report}, para. {number}"
    (paragraph,) = await sim.bot.library.cite(report, int(number))
    assert (
        paragraph.text in plain(embed.description).replace("\n", " ") or len(paragraph.text) > 3900
    )
    for note in paragraph.footnotes:
        assert f"[{note.number}]" in all_text(shown.response)


async def test_find_in_reports_asks_with_the_clicked_message(sim: Sim) -> None:
    message = await sim.bob.send(sim.channel, "hawala cash couriers")
    result = await sim.alice.context_menu(sim.channel, "Find in reports", message)
    assert was_answered_directly(sim)
    description = result.response.embeds[0].description
    await assert_quotes_are_verbatim(sim, description)
    assert "hawala" in plain(description).lower()


@pytest.mark.simcord(approved_intents=discord.Intents.default())  # no privileged intent needed
async def test_mention_gets_the_same_answer_as_a_reply(sim: Sim) -> None:
    slash = await sim.alice.slash(sim.channel, "ask", question="hawala cash couriers")
    await sim.alice.send(sim.channel, f"{sim.bot.user.mention} hawala cash couriers")
    reply = sim.channel.last_message
    assert reply.author.id == sim.bot.user.id
    assert reply.reference is not None
    assert reply.embeds[0].description == slash.response.embeds[0].description


async def test_cooldown_per_user_then_free_after_the_window(sim: Sim) -> None:
    for _ in range(sim.bot.settings.ask_cooldown_rate):
        ok = await sim.alice.slash(sim.channel, "ask", question="oil")
        assert not ok.ephemeral
    limited = await sim.alice.slash(sim.channel, "ask", question="oil")
    assert limited.ephemeral
    assert limited.response.content.startswith("Slow down")
    assert len(sim.env.errors) == 1
    other = await sim.bob.slash(sim.channel, "ask", question="oil")  # others are unaffected
    assert not other.ephemeral
    await sim.env.advance_time(sim.bot.settings.ask_cooldown_s + 1)
    again = await sim.alice.slash(sim.channel, "ask", question="oil")
    assert not again.ephemeral


async def test_question_length_is_validated_by_discord(sim: Sim) -> None:
    with pytest.raises(simcord.OptionError):
        await sim.alice.slash(sim.channel, "ask", question="x" * 301)
    with pytest.raises(simcord.OptionError):
        await sim.alice.slash(sim.channel, "ask", question="oil", results=11)


async def test_views_disable_themselves_before_the_token_expires(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="ISIL financing oil")
    await sim.env.advance_time(10 * 60 + 1)
    buttons = [c for row in result.response.components for c in row["components"]]
    assert buttons
    assert all(c.get("disabled") for c in buttons)


async def test_every_message_is_sent_with_no_pings(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="ISIL financing oil")
    await sim.alice.click(result.response, label="More results")
    await sim.alice.send(sim.channel, f"{sim.bot.user.mention} hawala")
    await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="13")
    bodies = sim.bot_messages()
    assert len(bodies) >= 4
    for body in bodies:
        assert body["allowed_mentions"] == {"parse": []}, body["path"]


async def test_one_log_line_per_command_without_the_question(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reportbot.commands")
    await sim.alice.slash(sim.channel, "ask", question="secret words about oil")
    await sim.alice.slash(sim.channel, "cite", report="S/1999/1", paragraph="1")
    assert len(sim.env.errors) == 1
    await sim.bob.send(sim.channel, f"{sim.bot.user.mention} secret words about oil")
    lines = [r.getMessage() for r in caplog.records if r.name == "reportbot.commands"]
    assert len(lines) == 3
    assert re.fullmatch(r"command=ask latency_ms=\d+ hits=3 outcome=ok", lines[0])
    assert re.fullmatch(r"command=cite latency_ms=\d+ hits=- outcome=user_error", lines[1])
    assert re.fullmatch(r"command=mention latency_ms=\d+ hits=3 outcome=ok", lines[2])
    assert "secret" not in caplog.text


async def test_a_bare_mention_explains_how_to_ask(sim: Sim) -> None:
    await sim.alice.send(sim.channel, sim.bot.user.mention)
    assert sim.channel.last_message.content == MENTION_HELP


async def test_an_unexpected_error_is_a_private_apology_and_nothing_public(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    break_search(sim, monkeypatch)
    result = await sim.alice.slash(sim.channel, "ask", question="oil revenue")
    assert result.ephemeral
    assert result.response.content == SORRY
    assert public_bot_messages(sim) == []
    (error,) = sim.env.errors  # handled by the tree; read so SimCord does not re-raise it
    assert "index on fire" in str(error)
    assert_logged_with_traceback(caplog, "ask")


async def test_find_in_reports_errors_are_private_too(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    message = await sim.bob.send(sim.channel, "hawala cash couriers")
    break_search(sim, monkeypatch)
    result = await sim.alice.context_menu(sim.channel, "Find in reports", message)
    assert result.ephemeral
    assert result.response.content == SORRY
    assert public_bot_messages(sim) == []
    assert len(sim.env.errors) == 1
    assert_logged_with_traceback(caplog, "Find in reports")


# Timers at or past settle_timeout wait for advance_time(), so "slow" costs no real time.
@pytest.mark.simcord(settle_timeout=0.5)
async def test_slow_answers_think_publicly_first_then_replace_the_thinking(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    library_ask = sim.bot.library.ask

    async def slow_ask(*args: object, **kwargs: object) -> object:
        await asyncio.sleep(5)
        return await library_ask(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sim.bot.library, "ask", slow_ask)
    result = await sim.alice.slash(sim.channel, "ask", question="hawala cash couriers")
    assert not result.acknowledged
    await sim.env.advance_time(DEFER_AFTER_S)
    assert result.deferred
    await sim.env.advance_time(5)
    await assert_quotes_are_verbatim(sim, result.response.embeds[0].description)
    (answer,) = public_bot_messages(sim)
    assert answer.id == result.response.id  # the thinking message became the answer


@pytest.mark.simcord(settle_timeout=0.5)
async def test_a_slow_unexpected_error_withdraws_the_public_thinking_message(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    break_search(sim, monkeypatch, delay_s=5)
    result = await sim.alice.slash(sim.channel, "ask", question="oil revenue")
    await sim.env.advance_time(DEFER_AFTER_S)
    assert result.deferred
    assert len(public_bot_messages(sim)) == 1  # "thinking…", visible to everyone
    await sim.env.advance_time(5)
    assert public_bot_messages(sim) == []
    assert "index on fire" in str(sim.env.errors[0])
    assert_logged_with_traceback(caplog, "ask")
    # The private apology is attempted; SimCord (like Discord in 2021, discord-api-docs #2739)
    # refuses a followup once the deferred original is deleted, so it may not arrive.
    apology = next(r for r in reversed(sim.env.http_requests) if r.method == "POST")
    assert apology.json["content"] == SORRY
    assert apology.json["flags"] == discord.MessageFlags(ephemeral=True).value
