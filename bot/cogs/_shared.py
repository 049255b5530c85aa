"""What several cogs need: the report autocomplete, the answer-or-defer race, the line of
answers waiting for a free slot, the bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.cogs._choices import report_choices
from bot.tree import THINKING
from corpus.errors import UserError

if TYPE_CHECKING:
    from bot.client import ReportBot

T = TypeVar("T")

# Discord drops an interaction whose first response comes after 3 s. Answers usually take
# milliseconds, so wait this long before showing a public "thinking…" message; under 1 s so a
# loop slowed by a burst still acknowledges well inside Discord's limit.
DEFER_AFTER_S = 0.75
ANSWER_SLOTS = 4  # answers at work at once (their scoring runs in threads); the rest wait
MAX_WAITING = 2000  # beyond this many waiting, a question is turned away ("try again")
BUSY = "Too many questions at once right now; please try again in a minute."


def bot_of(interaction: discord.Interaction) -> ReportBot:
    return interaction.client  # type: ignore[return-value]


async def report_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Suggest reports as the user types; a fast in-memory filter over the report list."""
    reports = await bot_of(interaction).library.reports()
    return [
        app_commands.Choice(name=name, value=value)
        for name, value in report_choices(reports, current)
    ]


class AnswerLine:
    """A bounded line for answers: `slots` at work, up to `max_waiting` waiting in order.

    A burst of questions then costs the event loop a little bookkeeping each, not a thousand
    rankings at once, and whoever waits has already been acknowledged (see `answer_in_line`).
    """

    def __init__(self, slots: int = ANSWER_SLOTS, max_waiting: int = MAX_WAITING) -> None:
        self._slots = slots
        self._semaphore = asyncio.Semaphore(slots)
        self._max_waiting = max_waiting
        self.pending = 0  # in the line: at work or waiting

    @asynccontextmanager
    async def place(self) -> AsyncIterator[bool]:
        """Join the line (UserError BUSY when it is full); yields whether a wait is ahead."""
        if self.pending >= self._slots + self._max_waiting:
            raise UserError(BUSY)
        self.pending += 1
        try:
            yield self.pending > self._slots
        finally:
            self.pending -= 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the slots (call inside `place`)."""
        async with self._semaphore:
            yield


async def answer_in_line(
    interaction: discord.Interaction, line: AnswerLine, work: Callable[[], Awaitable[T]]
) -> T:
    """Acknowledge at once if a wait is ahead, then do `work()` in a slot within the deadline;
    with a slot free, answer directly unless the work is slow (so quick errors stay private)."""

    async def in_slot() -> T:
        async with line.slot():
            return await work()

    async with line.place() as must_wait:
        if must_wait:
            await _defer(interaction)
        return await within_deadline(interaction, in_slot())


async def within_deadline(interaction: discord.Interaction, work: Awaitable[T]) -> T:
    """Await `work`, deferring only if it is slow, so a quick failure can still be private."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_S)
        if not done and not interaction.response.is_done():
            await _defer(interaction)
        return await task
    finally:
        task.cancel()  # a no-op once done; stops orphaned work if defer failed or we were cancelled


async def _defer(interaction: discord.Interaction) -> None:
    """Acknowledge publicly ("thinking…"); the answer follows up in its place."""
    await interaction.response.defer(thinking=True)
    interaction.extras[THINKING] = True


async def send_public(interaction: discord.Interaction, **kwargs: Any) -> None:
    """Answer in the channel: the first response, or the followup that replaces "thinking…"."""
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
        interaction.extras.pop(THINKING, None)
    else:
        await interaction.response.send_message(**kwargs)
