"""/reports: what the bot can quote from."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.replies import render_reports
from bot.tree import HITS
from bot.views import message_kwargs

if TYPE_CHECKING:
    from bot.client import ReportBot


class Reports(commands.Cog):
    def __init__(self, bot: ReportBot) -> None:
        self.bot = bot

    @app_commands.command(name="reports")
    async def reports(self, interaction: discord.Interaction) -> None:
        """List the reports I can quote: symbol, date, title, paragraph count."""
        reports = await self.bot.library.reports()
        interaction.extras[HITS] = len(reports)
        reply = render_reports(reports, link_base_url=self.bot.settings.link_base_url)
        await interaction.response.send_message(**message_kwargs(reply))
