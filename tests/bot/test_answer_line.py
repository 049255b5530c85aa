"""A burst of questions waits in a bounded line: acknowledged before it waits, turned away
privately beyond the bound; a free slot still answers directly."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.cogs._shared import BUSY, AnswerLine
from bot.tree import report_error
from tests.bot.test_deadlines import FakeInteraction, ask, make_cog


def people(n: int) -> list[FakeInteraction]:
    """Interactions from n different users (each has their own cooldown)."""
    interactions = [FakeInteraction() for _ in range(n)]
    for number, interaction in enumerate(interactions, start=1):
        interaction.user = SimpleNamespace(id=number)
    return interactions


def replies(interaction: FakeInteraction) -> list[str]:
    return [e for e in interaction.events if e in {"defer", "send_message", "followup"}]


async def test_questions_beyond_the_free_slots_are_acknowledged_before_they_wait() -> None:
    interactions = people(5)
    cog = make_cog(interactions[0], delay_s=0.05)
    cog.line = AnswerLine(slots=2)
    await asyncio.gather(*(ask(cog, i) for i in interactions))
    for interaction in interactions[:2]:  # found a free slot: answered directly
        assert replies(interaction) == ["send_message"]
    for interaction in interactions[2:]:  # had to wait: acknowledged first, then followed up
        assert replies(interaction) == ["defer", "followup"]
        assert interaction.times["defer"] < interaction.times["followup"]
    assert interactions[0].events.count("ask finished") == 5  # the library records there


async def test_a_full_line_turns_questions_away_privately() -> None:
    first, second, third = people(3)
    cog = make_cog(first, delay_s=0.1)
    cog.line = AnswerLine(slots=1, max_waiting=1)
    results = await asyncio.gather(
        ask(cog, first), ask(cog, second), ask(cog, third), return_exceptions=True
    )
    assert results[:2] == [None, None]
    assert str(results[2]) == BUSY, results
    await report_error(third, results[2])  # what ReportTree.on_error does
    assert replies(third) == ["send_message"]  # turned away before any acknowledgement
    (call,) = third.response.send_message.await_args_list
    assert call.args == (BUSY,)
    assert call.kwargs["ephemeral"] is True
