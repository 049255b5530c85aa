"""Buttons survive a restart: a press on a message sent by the previous bot is answered, never
left to fail ("This interaction failed"): a paragraph still shows, paging says it expired."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot import create_bot
from bot.client import ReportBot
from bot.views import EXPIRED
from tests.bot.conftest import REPORT_2018, Sim, plain


@pytest.fixture
async def restart(sim: Sim) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """`await restart()`: replace the bot with a fresh one on the same database, as a new
    process would; the fresh bots are closed at teardown (aiosqlite's thread would hang)."""
    started: list[ReportBot] = []

    async def restart_bot() -> None:
        old = sim.bot
        started.append(create_bot(old.settings))
        await sim.env.restart_bot(started[-1])
        await old.close()

    yield restart_bot
    for bot in started:
        await bot.close()


async def test_a_paragraph_select_from_before_a_restart_still_shows_the_paragraph(
    sim: Sim, restart: Callable[[], Awaitable[None]]
) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="oil revenue", report=REPORT_2018)
    value = result.response.components[1]["components"][0]["options"][0]["value"]
    report, _, number = value.rpartition("|")
    await restart()
    shown = await sim.bob.select(result.response, [value])
    assert shown.ephemeral
    assert shown.response.embeds[0].title == f"{report}, para. {number}"
    full = (await sim.bot.library.cite(report, int(number)))[0].text
    assert full[:80] in plain(shown.response.embeds[0].description)


@pytest.mark.parametrize(
    ("command", "options", "label"),
    [
        ("ask", {"question": "foreign terrorist fighters"}, "More results"),
        ("cite", {"report": REPORT_2018, "paragraph": "13"}, "next ▶"),
        ("cite", {"report": REPORT_2018, "paragraph": "13"}, "◀ previous"),
    ],
)
async def test_paging_from_before_a_restart_says_the_result_expired(
    sim: Sim,
    restart: Callable[[], Awaitable[None]],
    command: str,
    options: dict[str, str],
    label: str,
) -> None:
    result = await sim.alice.slash(sim.channel, command, **options)
    before = result.response.embeds[0].description
    await restart()
    pressed = await sim.alice.click(result.response, label=label)
    assert pressed.ephemeral
    assert pressed.response.content == EXPIRED
    assert result.response.embeds[0].description == before  # the old message is left alone


async def test_live_buttons_are_answered_once_by_their_view(sim: Sim) -> None:
    """The restart fallback stays silent while the view that sent a button still lives."""
    result = await sim.alice.slash(sim.channel, "ask", question="foreign terrorist fighters")
    page = await sim.alice.click(result.response, label="More results")
    assert page.response.id == result.response.id
    assert page.response.embeds[0].footer.text.startswith("4–6 of ")
    assert not page.followups
    assert EXPIRED not in [m.get("content") for m in sim.bot_messages()]
