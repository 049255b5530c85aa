"""What several cogs need: the report autocomplete and the bot's settings and library."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.cogs._choices import report_choices

if TYPE_CHECKING:
    from bot.client import ReportBot


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
