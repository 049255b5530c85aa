"""Discord's 3-second rule: answer directly when retrieval is quick, defer only when it is slow.

Plain unit tests, because SimCord's virtual clock cannot see real time (work in threads).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock

import discord
import pytest

from bot.cogs import _shared
from bot.cogs._shared import DEFER_AFTER_S
from bot.cogs.ask import Ask
from bot.settings import Settings
from bot.tree import SORRY, report_error
from corpus.model import Paragraph
from tests.bot.conftest import META, FakeLibrary

DISCORD_DEADLINE_S = 3.0  # the first response must reach Discord within this


class FakeInteraction(SimpleNamespace):
    """Just enough of discord.Interaction to record which calls happened, in order, and when."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.times: dict[str, float] = {}
        self._done = False
        super().__init__(
            user=SimpleNamespace(id=1),
            created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            client=None,
            command=None,
            extras={},
            response=SimpleNamespace(
                defer=self._record("defer"),
                send_message=self._record("send_message"),
                is_done=lambda: self._done,
            ),
            followup=SimpleNamespace(send=self._record("followup")),
            delete_original_response=self._record("delete original"),
        )

    def _record(self, name: str) -> AsyncMock:
        async def call(*_: object, **__: object) -> None:
            self.events.append(name)
            self.times[name] = time.perf_counter()
            if name in {"defer", "send_message"}:
                self._done = True

        return AsyncMock(side_effect=call)


class RecordingLibrary(FakeLibrary):
    def __init__(self, events: list[str], delay_s: float, error: Exception | None = None) -> None:
        super().__init__({META: [Paragraph(META.symbol, 1, "Oil revenue fell sharply.")]}, delay_s)
        self.events = events
        self.error = error

    async def ask(self, question: str, **kwargs: Any):  # type: ignore[override]
        self.events.append("ask started")
        answer = await super().ask(question, **kwargs)
        if self.error is not None:
            raise self.error
        self.events.append("ask finished")
        return answer


def make_cog(interaction: FakeInteraction, delay_s: float, error: Exception | None = None) -> Ask:
    library = RecordingLibrary(interaction.events, delay_s, error)
    return Ask(SimpleNamespace(settings=Settings(), library=library))  # type: ignore[arg-type]


async def ask(cog: Ask, interaction: FakeInteraction) -> None:
    await Ask.ask.callback(cog, interaction, "oil revenue", None, None)  # type: ignore[arg-type]


def test_the_defer_deadline_leaves_room_inside_discords() -> None:
    assert 0 < DEFER_AFTER_S <= DISCORD_DEADLINE_S / 2


async def test_a_quick_answer_is_sent_directly_without_thinking() -> None:
    interaction = FakeInteraction()
    await ask(make_cog(interaction, delay_s=0), interaction)
    assert interaction.events == ["ask started", "ask finished", "send_message"]
    (call,) = interaction.response.send_message.await_args_list
    assert "ephemeral" not in call.kwargs  # the answer is public
    assert call.kwargs["embeds"]
    assert call.kwargs["view"] is not None
    assert interaction.extras["reportbot.hits"] == 1


async def test_slow_retrieval_defers_within_the_deadline_then_follows_up() -> None:
    interaction = FakeInteraction()
    started = time.perf_counter()
    await ask(make_cog(interaction, delay_s=DEFER_AFTER_S + 0.3), interaction)
    assert interaction.events == ["ask started", "defer", "ask finished", "followup"]
    interaction.response.defer.assert_awaited_once_with(thinking=True)
    deferred_after_s = interaction.times["defer"] - started
    assert DEFER_AFTER_S <= deferred_after_s < DISCORD_DEADLINE_S
    (call,) = interaction.followup.send.await_args_list
    assert call.kwargs["embeds"]
    assert call.kwargs["view"] is not None
    assert "reportbot.thinking" not in interaction.extras  # answered: nothing left to withdraw


async def test_context_menu_defers_only_when_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_shared, "DEFER_AFTER_S", 0.05)
    message = SimpleNamespace(content="oil   revenue")
    slow, quick = FakeInteraction(), FakeInteraction()
    await make_cog(slow, delay_s=0.3).find_in_reports(slow, message)  # type: ignore[arg-type]
    await make_cog(quick, delay_s=0).find_in_reports(quick, message)  # type: ignore[arg-type]
    assert slow.events == ["ask started", "defer", "ask finished", "followup"]
    assert quick.events == ["ask started", "ask finished", "send_message"]


async def test_a_quick_failure_leaves_the_interaction_unanswered_for_a_private_reply() -> None:
    interaction = FakeInteraction()
    with pytest.raises(RuntimeError):
        await ask(make_cog(interaction, delay_s=0, error=RuntimeError("boom")), interaction)
    assert interaction.events == ["ask started"]
    await report_error(interaction, RuntimeError("boom"))  # what ReportTree.on_error does
    (call,) = interaction.response.send_message.await_args_list
    assert call.args == (SORRY,)
    assert call.kwargs["ephemeral"] is True


async def test_a_slow_failure_withdraws_thinking_before_the_private_apology(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_shared, "DEFER_AFTER_S", 0.05)
    interaction = FakeInteraction()
    with pytest.raises(RuntimeError):
        await ask(make_cog(interaction, delay_s=0.2, error=RuntimeError("boom")), interaction)
    await report_error(interaction, RuntimeError("boom"))
    assert interaction.events == ["ask started", "defer", "delete original", "followup"]
    (call,) = interaction.followup.send.await_args_list
    assert call.args == (SORRY,)
    assert call.kwargs["ephemeral"] is True


async def test_the_apology_is_still_sent_when_thinking_cannot_be_withdrawn() -> None:
    interaction = FakeInteraction()
    await interaction.response.defer(thinking=True)
    interaction.extras["reportbot.thinking"] = True
    gone = discord.NotFound(SimpleNamespace(status=404, reason="Not Found"), "Unknown Message")
    interaction.delete_original_response.side_effect = gone
    await report_error(interaction, RuntimeError("boom"))
    assert interaction.followup.send.await_args.kwargs["ephemeral"] is True


async def test_a_cancelled_command_stops_its_retrieval() -> None:
    interaction = FakeInteraction()
    cog = make_cog(interaction, delay_s=5)
    command = asyncio.ensure_future(ask(cog, interaction))
    await asyncio.sleep(0.05)
    command.cancel()
    with pytest.raises(asyncio.CancelledError):
        await command
    await asyncio.sleep(0)
    retrievals = [t for t in asyncio.all_tasks() if "answer_page" in repr(t.get_coro())]
    assert not retrievals
