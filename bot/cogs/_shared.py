"""What several cogs need: the report autocomplete, the answer-or-defer race, the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.cogs._choices import report_choices
from bot.tree import THINKING

if TYPE_CHECKING:
    from bot.client import ReportBot

T = TypeVar("T")

# Discord drops an interaction whose first response comes after 3 s. Answers usually take
# milliseconds, so wait this long before showing a public "thinking…" message.
DEFER_AFTER_S = 1.5


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


async def within_deadline(interaction: discord.Interaction, work: Awaitable[T]) -> T:
    """Await `work`, deferring only if it is slow, so a quick failure can still be private."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_S)
        if not done:
            await interaction.response.defer(thinking=True)
            interaction.extras[THINKING] = True
        return await task
    finally:
        task.cancel()  # a no-op once done; stops orphaned work if defer failed or we were cancelled


async def send_public(interaction: discord.Interaction, **kwargs: Any) -> None:
    """Answer in the channel: the first response, or the followup that replaces "thinking…"."""
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
        interaction.extras.pop(THINKING, None)
    else:
        await interaction.response.send_message(**kwargs)
