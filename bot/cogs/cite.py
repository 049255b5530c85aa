"""/cite: a report and a paragraph (or a range) -> the paragraphs in full, to check a quote."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._choices import paragraph_choices
from bot.cogs._shared import bot_of, report_autocomplete
from bot.options import parse_span
from bot.series_views import add_references
from bot.tree import HITS
from bot.views import CiteView, message_kwargs
from corpus.errors import UserError

if TYPE_CHECKING:
    from bot.client import ReportBot


class Cite(commands.Cog):
    """Quote whole paragraphs with heading path, footnotes and a link to the official text."""

    def __init__(self, bot: ReportBot) -> None:
        self.bot = bot

    async def paragraph_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest "13 — The ability of ISIL…" for the report already chosen."""
        typed_report = getattr(interaction.namespace, "report", None)
        if not typed_report:
            return []
        library = bot_of(interaction).library
        try:
            paragraphs = await library.export(await library.resolve_report(typed_report))
        except UserError:
            return []
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in paragraph_choices(paragraphs, current)
        ]

    @app_commands.command(name="cite")
    @app_commands.describe(
        report="Report symbol, e.g. S/2018/80",
        paragraph="Paragraph number, e.g. 13, or a range such as 12-14",
    )
    @app_commands.autocomplete(report=report_autocomplete, paragraph=paragraph_autocomplete)
    async def cite(
        self,
        interaction: discord.Interaction,
        report: app_commands.Range[str, 1, 100],
        paragraph: app_commands.Range[str, 1, 20],
    ) -> None:
        """Quote paragraphs in full, so readers can check an excerpt in context."""
        # A lookup by key in SQLite: fast enough to answer directly, without deferring.
        first, last = parse_span(paragraph)
        library = self.bot.library
        symbol = await library.resolve_report(report)
        view = CiteView(
            interaction.user.id, library, symbol, (first, last), self.bot.settings.link_base_url
        )
        reply = await view.load(first, last)
        base = self.bot.settings.link_base_url  # issue 11: references and "Cited by"
        reply = await add_references(view, reply, library, symbol, (first, last), base)
        interaction.extras[HITS] = last - first + 1
        view.attach(interaction)
        await interaction.response.send_message(**message_kwargs(reply, view))
