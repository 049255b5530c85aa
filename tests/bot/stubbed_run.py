"""Test-only launcher: `reportbot run` with Discord's network calls replaced, nothing else.

Usage: python -m tests.bot.stubbed_run [run flags]. The real CLI, runner, signal handlers,
heartbeat and (with STUB_FACTORY=real) the real bot and library run; only the HTTP login, the
application lookup and the gateway connection are stubbed. Environment knobs:
  STUB_LOGIN=ok|reject|hang  reject raises discord.LoginFailure, as a 401 from Discord does;
                             hang never answers (and touches $STUB_CONNECTED_FILE)
  STUB_CONNECT=idle|intents|close:CODE
                             idle waits until close(); intents raises PrivilegedIntentsRequired;
                             close:4004 raises ConnectionClosed with that gateway close code
  STUB_FACTORY=real|minimal  minimal: a bare commands.Bot holding one aiosqlite connection
Markers on stderr ("STUB: ...") let the test see what happened inside; the stub's connect()
touches $STUB_CONNECTED_FILE, so the test knows when login and setup_hook are over.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import types
from pathlib import Path
from typing import Any

import aiosqlite
import discord
from discord.ext import commands

from bot.cli import main
from bot.settings import Settings

FAKE_USER = {"id": "1000", "username": "reportbot", "discriminator": "0", "avatar": None}


def say(text: str) -> None:
    print(f"STUB: {text}", file=sys.stderr, flush=True)


async def static_login(self: Any, token: str) -> dict[str, Any]:
    say("login attempt")
    mode = os.environ.get("STUB_LOGIN", "ok")
    if mode == "reject":
        raise discord.LoginFailure("Improper token has been passed.")
    if mode == "hang":  # a login request that never gets an answer (a black-holed network)
        await asyncio.to_thread(Path(os.environ["STUB_CONNECTED_FILE"]).touch)
        await asyncio.Event().wait()
    return FAKE_USER


async def application_info(self: discord.Client) -> Any:
    return types.SimpleNamespace(
        id=1000, interactions_endpoint_url=None, flags=discord.ApplicationFlags()
    )


async def connect(self: discord.Client, *, reconnect: bool = True) -> None:
    mode = os.environ.get("STUB_CONNECT", "idle")
    if mode == "intents":
        raise discord.PrivilegedIntentsRequired(None)
    if mode.startswith("close:"):  # the gateway closed the websocket with this code
        socket = types.SimpleNamespace(close_code=int(mode.removeprefix("close:")))
        raise discord.ConnectionClosed(socket, shard_id=None)  # type: ignore[arg-type]
    say("connected")
    await asyncio.to_thread(Path(os.environ["STUB_CONNECTED_FILE"]).touch)
    # Like the real connect(): return once close() has run (it has no event to wait on).
    while not self.is_closed():  # noqa: ASYNC110
        await asyncio.sleep(0.02)


class MinimalBot(commands.Bot):
    """Stands in for create_bot's bot: one database connection, closed in close()."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=discord.Intents.default())
        self.db_path = settings.db_path
        self.db: aiosqlite.Connection | None = None

    async def setup_hook(self) -> None:
        self.db = await aiosqlite.connect(self.db_path)
        await self.db.execute("CREATE TABLE IF NOT EXISTS t (x)")
        say("database open")
        # The real bot logs one line per command here; the runner must carry it to stdout.
        logging.getLogger("reportbot.commands").info("command=stub outcome=ok")

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()
            self.db = None
            say("database closed")
        await super().close()


def install_stubs() -> None:
    discord.http.HTTPClient.static_login = static_login  # type: ignore[method-assign]
    discord.Client.application_info = application_info  # type: ignore[method-assign]
    discord.Client.connect = connect  # type: ignore[method-assign]
    discord.AutoShardedClient.connect = connect  # type: ignore[method-assign]
    if os.environ.get("STUB_FACTORY", "real") == "minimal":
        fake = types.ModuleType("bot.client")
        fake.create_bot = MinimalBot  # type: ignore[attr-defined]
        sys.modules["bot.client"] = fake


if __name__ == "__main__":
    install_stubs()
    status = main(["run", *sys.argv[1:]])
    alive = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    say(f"threads left {alive}")
    say(f"heartbeat left {Path(os.environ['REPORTBOT_HEARTBEAT_FILE']).exists()}")
    sys.exit(status)
