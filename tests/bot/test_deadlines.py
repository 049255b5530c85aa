"""Discord's 3-second rule with slow retrieval (SimCord's virtual clock cannot see real time)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from unittest.mock import AsyncMock

from bot.cogs.ask import Ask
from bot.settings import Settings
from corpus.model import Paragraph
from tests.bot.conftest import META, FakeLibrary


def fake_interaction(events: list[str]) -> SimpleNamespace:
    """Just enough of discord.Interaction to record the order of calls."""

    async def defer(**_: object) -> None:
        events.append("defer")

    async def send(**_: object) -> None:
        events.append("send")

    return SimpleNamespace(
        user=SimpleNamespace(id=1),
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        extras={},
        response=SimpleNamespace(defer=AsyncMock(side_effect=defer), is_done=lambda: True),
        followup=SimpleNamespace(send=AsyncMock(side_effect=send)),
    )


class RecordingLibrary(FakeLibrary):
    def __init__(self, events: list[str]) -> None:
        paragraphs = [Paragraph(META.symbol, 1, "Oil revenue fell sharply.")]
        super().__init__({META: paragraphs}, delay_s=0.3)
        self.events = events

    async def ask(self, question: str, **kwargs: object):  # type: ignore[override]
        self.events.append("ask started")
        answer = await super().ask(question, **kwargs)  # type: ignore[arg-type]
        self.events.append("ask finished")
        return answer


async def test_ask_defers_before_slow_retrieval() -> None:
    events: list[str] = []
    bot = SimpleNamespace(settings=Settings(), library=RecordingLibrary(events))
    cog = Ask(bot)  # type: ignore[arg-type]
    interaction = fake_interaction(events)
    await Ask.ask.callback(cog, interaction, "oil revenue", None, None)  # type: ignore[arg-type]
    assert events == ["defer", "ask started", "ask finished", "send"]
    interaction.response.defer.assert_awaited_once_with(thinking=True)
    assert interaction.extras["reportbot.hits"] == 1


async def test_context_menu_defers_before_slow_retrieval() -> None:
    events: list[str] = []
    bot = SimpleNamespace(settings=Settings(), library=RecordingLibrary(events))
    cog = Ask(bot)  # type: ignore[arg-type]
    message = SimpleNamespace(content="oil revenue")
    await cog.find_in_reports(fake_interaction(events), message)  # type: ignore[arg-type]
    assert events[:2] == ["defer", "ask started"]
