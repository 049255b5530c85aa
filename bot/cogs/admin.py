"""Server managers' commands: /ingest and /remove; the owner's `@reportbot sync`."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._shared import report_autocomplete
from bot.fetching import fetch_report
from bot.replies import render_ingest, render_removed
from bot.uploads import read_upload
from bot.views import message_kwargs
from corpus.errors import UserError

if TYPE_CHECKING:
    from bot.client import ReportBot

log = logging.getLogger("reportbot.bot")

REPORT_SUFFIXES = (".pdf", ".html", ".htm", ".txt", ".md", ".markdown", ".jsonl")


def check_upload(filename: str, size_bytes: int, max_bytes: int) -> None:
    """Refuse anything but a PDF, a web page or text within the size limit, before reading it."""
    if PurePath(filename).suffix.lower() not in REPORT_SUFFIXES:
        raise UserError(
            f"“{filename}” is not a report file: upload the report as .pdf, .html, .txt or .md."
        )
    if size_bytes > max_bytes:
        raise UserError(
            f"“{filename}” is {size_bytes:,} bytes; the limit is {max_bytes:,} bytes "
            "(REPORTBOT_MAX_UPLOAD_BYTES)."
        )


def parse_date(typed: str | None) -> dt.date | None:
    if typed is None or not typed.strip():
        return None
    try:
        return dt.date.fromisoformat(typed.strip())
    except ValueError:
        raise UserError(f"“{typed}” is not a date: use YYYY-MM-DD, e.g. 2018-01-31.") from None


class Admin(commands.Cog):
    """Manage Server is required twice: the default Discord applies, and a check admins
    cannot override by editing the command's permissions."""

    def __init__(self, bot: ReportBot) -> None:
        self.bot = bot

    @app_commands.command(name="ingest")
    @app_commands.describe(
        file="The report as a .pdf, .html, .txt or .md file",
        url="Or a https:// link to the report (PDF, web page or text)",
        symbol="Document symbol, if the text does not show it (e.g. S/2019/103)",
        date="Date of the report, YYYY-MM-DD, if the text does not show it",
        title="Title, if the text does not show it",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ingest(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: app_commands.Range[str, 8, 2000] | None = None,
        symbol: app_commands.Range[str, 1, 40] | None = None,
        date: app_commands.Range[str, 1, 20] | None = None,
        title: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        """Add or replace a report from a file or a link (server managers only)."""
        if (file is None) == (url is None):
            raise UserError("Give the report either as a file or as a url, not both or neither.")
        # Fetching, parsing and indexing can take seconds: acknowledge first, privately.
        await interaction.response.defer(ephemeral=True, thinking=True)
        when = parse_date(date)
        max_bytes = self.bot.settings.max_upload_bytes
        if file is not None:
            check_upload(file.filename, file.size, max_bytes)
            data, source = await read_upload(file, max_bytes), file.filename
        else:
            assert url is not None
            public_only = not self.bot.settings.allow_private_links
            fetched = await fetch_report(url, max_bytes=max_bytes, public_only=public_only)
            data, source = fetched.data, url
        result = await self.bot.library.ingest(
            data, source=source, symbol=symbol, date=when, title=title
        )
        await interaction.followup.send(ephemeral=True, **message_kwargs(render_ingest(result)))

    @app_commands.command(name="remove")
    @app_commands.describe(report="The report to delete, e.g. S/2018/80")
    @app_commands.autocomplete(report=report_autocomplete)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(
        self, interaction: discord.Interaction, report: app_commands.Range[str, 1, 100]
    ) -> None:
        """Delete a report and its search index (server managers only)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.bot.library.remove(await self.bot.library.resolve_report(report))
        await interaction.followup.send(ephemeral=True, **message_kwargs(render_removed(summary)))

    @commands.command(name="sync")
    @commands.is_owner()
    async def sync(
        self, ctx: commands.Context[ReportBot], scope: Literal["guild", "global"] = "guild"
    ) -> None:
        """Publish the slash commands: to this server at once, or globally (up to an hour)."""
        tree = self.bot.tree
        if scope == "global":
            synced = await tree.sync()
            where = "globally"
        elif ctx.guild is None:
            raise commands.NoPrivateMessage("`sync guild` only works in a server.")
        else:
            tree.copy_global_to(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
            where = "to this server"
        log.info("synced %d commands %s", len(synced), where)
        await ctx.reply(f"Synced {len(synced)} commands {where}.")

    async def cog_command_error(self, ctx: commands.Context[Any], error: Exception) -> None:
        if isinstance(error, commands.NotOwner):
            return  # strangers get no answer, so the command cannot be probed
        await ctx.reply(f"sync failed: {error}")
