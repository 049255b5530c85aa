"""The bot: built from settings by `create_bot`, started by the caller, synced only on request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord.ext import commands

from bot.settings import Settings
from bot.tree import ReportTree, log_command
from retrieval.library import Library

log = logging.getLogger("reportbot.bot")

OpenLibrary = Callable[..., Awaitable[Library]]  # Library.open's signature

# What the invite asks for: slash replies need none, but @mention replies post embeds and quote
# the question (reply references need Read Message History). Value 84992, as README.md and
# docs/deployment.md show it.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
)
INVITE_SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    """The link that adds the bot to a server with exactly the permissions it uses."""
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
    )


class ReportBot(commands.Bot):
    """The bot: opens the library in setup_hook, adds one cog per command family."""

    def __init__(
        self,
        settings: Settings,
        *,
        open_library: OpenLibrary = Library.open,
        **gateway_options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),  # no privileged intents: mentions carry content
            tree_cls=ReportTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **gateway_options,
        )
        self.settings = settings
        self._open_library = open_library
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            raise RuntimeError("the library opens in setup_hook; the bot has not logged in")
        return self._library

    async def setup_hook(self) -> None:
        """Open the library and add the cogs; runs once in login(), before any event."""
        from bot.cogs import add_cogs

        self._library = await self._open_library(
            self.settings.db_path,
            read_only=self.settings.read_only,
            progress=log.info,
            semantic=self.settings.semantic,
            spelling=self.settings.spelling,
            warm_index=True,
        )
        await add_cogs(self)

    async def close(self) -> None:
        """Close the library first: its worker thread otherwise keeps the process alive."""
        library, self._library = self._library, None
        if library is not None:
            await library.close()
        await super().close()

    async def on_app_command_completion(self, interaction: discord.Interaction, _: object) -> None:
        log_command(interaction, "ok")


class ShardedReportBot(ReportBot, commands.AutoShardedBot):
    """The same bot over several gateway shards (Discord requires them past 2,500 servers)."""

    def __init__(self, settings: Settings, *, open_library: OpenLibrary = Library.open) -> None:
        shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
        super().__init__(
            settings,
            open_library=open_library,
            shard_count=settings.shard_count,
            shard_ids=shard_ids,
        )


def create_bot(settings: Settings, *, open_library: OpenLibrary = Library.open) -> ReportBot:
    """Build the bot with everything it needs; starting it is the caller's business.

    `open_library` lets a test hand in a library with other timing; production never passes it.
    """
    if settings.shard_count is not None:
        return ShardedReportBot(settings, open_library=open_library)
    return ReportBot(settings, open_library=open_library)
