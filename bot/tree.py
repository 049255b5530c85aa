"""The one place an exception becomes a user message, and where each command is logged."""

from __future__ import annotations

import logging
import time
from typing import Literal

import discord
from discord import app_commands

from bot import discord_limits as limits
from bot.quoting import clip
from corpus.errors import UserError
from retrieval.store import DatabaseFault

command_log = logging.getLogger("reportbot.commands")
log = logging.getLogger("reportbot.bot")

Outcome = Literal["ok", "user_error", "error"]
SORRY = "Something went wrong on our side; it has been logged. Please try again later."
NEEDS_MANAGE_SERVER = "Only members with the Manage Server permission can do that."
SERVER_ONLY = "That command only works in a server."

# Keys in Interaction.extras.
_STARTED = "reportbot.started"
HITS = "reportbot.hits"
THINKING = "reportbot.thinking"  # a public "thinking…" message awaits its followup


def log_command(
    interaction: discord.Interaction, outcome: Outcome, name: str | None = None
) -> None:
    """One line per command: name, latency, hits, outcome; never the text or the token."""
    started = interaction.extras.get(_STARTED, time.perf_counter())
    command = name or (interaction.command.qualified_name if interaction.command else "?")
    command_log.info(
        "command=%s latency_ms=%.0f hits=%s outcome=%s",
        command,
        (time.perf_counter() - started) * 1000,
        interaction.extras.get(HITS, "-"),
        outcome,
    )


def describe_error(error: BaseException) -> tuple[str, Outcome]:
    """The message a user sees for an error, and how the log classifies it."""
    cause = getattr(error, "original", error)
    if isinstance(cause, DatabaseFault):  # the operator's to fix: no server paths for members
        return DatabaseFault.public, "error"
    if isinstance(cause, UserError):
        return str(cause), "user_error"
    if isinstance(cause, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {cause.retry_after:.0f} s.", "user_error"
    if isinstance(cause, app_commands.MissingPermissions):
        return NEEDS_MANAGE_SERVER, "user_error"
    if isinstance(cause, app_commands.NoPrivateMessage):
        return SERVER_ONLY, "user_error"
    if isinstance(cause, app_commands.CheckFailure | app_commands.TransformerError):
        return str(cause) or "You can't use that here.", "user_error"
    return SORRY, "error"


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer only the user: a followup if the interaction was already acknowledged."""
    content = clip(text, limits.CONTENT_CHARS)
    mentions = discord.AllowedMentions.none()
    try:
        if interaction.extras.pop(THINKING, False):
            await _withdraw_thinking(interaction)
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=mentions)
        else:
            await interaction.response.send_message(
                content, ephemeral=True, allowed_mentions=mentions
            )
    except discord.HTTPException:  # token expired (401/404) or Discord is down: nothing to tell
        log.warning("could not deliver an error reply", exc_info=True)


async def _withdraw_thinking(interaction: discord.Interaction) -> None:
    """Delete "thinking…": Discord makes the first followup edit it, public whatever the flag."""
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:  # already gone or token expired: the followup still goes out
        log.warning("could not withdraw a thinking message", exc_info=True)


async def report_error(
    interaction: discord.Interaction, error: BaseException, name: str | None = None
) -> None:
    """Tell the user privately and log: user errors in one line, the rest with the traceback."""
    text, outcome = describe_error(error)
    if outcome == "error":
        cause = getattr(error, "original", error)
        command = name or (interaction.command.qualified_name if interaction.command else "?")
        log.error("/%s failed", command, exc_info=cause)
    log_command(interaction, outcome, name)
    await reply_privately(interaction, text)


class ReportTree(app_commands.CommandTree):
    """Command tree that stamps each interaction's start and answers every error privately."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        interaction.extras[_STARTED] = time.perf_counter()
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        await report_error(interaction, error)
