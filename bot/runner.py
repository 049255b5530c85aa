"""`reportbot run`: own the bot's whole lifetime, from logging set-up to a clean exit status.

discord.py installs no signal handlers (`Client.run` only swallows KeyboardInterrupt), so a
container's SIGTERM would kill the process with the database open. Here SIGTERM and SIGINT close
the bot (gateway, HTTP, then the library in `close()`) and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator

import discord
from discord.ext import commands

from bot.health import HEARTBEAT_INTERVAL_S, Heartbeat, write_heartbeat
from bot.rejection import forget_rejection, read_rejection, record_rejection
from bot.settings import Settings, SettingsError
from corpus.errors import UserError

log = logging.getLogger("reportbot.runner")

EXIT_OK = 0
EXIT_FAILURE = 1  # unexpected: logged with its traceback; a restart may help
EXIT_CONFIG = (
    78  # EX_CONFIG (sysexits.h): Discord refused the token or intents; restarts won't help
)
STOP_GRACE_S = 1.0  # after a signal, how long close() may take before the start task is cancelled

# Gateway close codes that mean "fix the configuration", not "try again"
# (https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-close-event-codes).
FATAL_CLOSE_CODES = {
    4004: "authentication failed: the token is not valid",
    4010: "invalid shard: check REPORTBOT_SHARD_IDS and REPORTBOT_SHARD_COUNT",
    4011: "sharding required: set REPORTBOT_SHARD_COUNT",
    4012: "invalid gateway API version",
    4013: "invalid intents",
    4014: "disallowed intents: enable them in the Developer Portal, or request fewer",
}

BotFactory = Callable[[Settings], commands.Bot]
LOG_HANDLER_NAME = "reportbot-stdout"
# discord.py's format without colour: it would colour under Docker too (utils.is_docker), and
# escape codes make collected logs hard to search.
PLAIN_FORMAT = logging.Formatter(
    "[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{"
)


def configure_logging(level: str) -> None:
    """Send discord.py's and our own log records to stdout, in discord.py's format."""
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(LOG_HANDLER_NAME)
    ours = logging.getLogger("reportbot")
    for logger in (logging.getLogger("discord"), ours):
        for old in [h for h in logger.handlers if h.get_name() == LOG_HANDLER_NAME]:
            logger.removeHandler(old)
    # root=False: configure the "discord" logger only; the root logger stays the caller's.
    discord.utils.setup_logging(
        handler=handler,
        formatter=discord.utils.MISSING if sys.stdout.isatty() else PLAIN_FORMAT,
        level=logging.getLevelName(level),
        root=False,
    )
    ours.setLevel(level)
    ours.addHandler(handler)  # same handler, so the formatter setup_logging chose
    ours.propagate = False


def run_bot(settings: Settings, bot_factory: BotFactory | None = None) -> int:
    """Run the bot until a signal or a fatal error; return the process exit status."""
    if settings.token is None:
        raise SettingsError(
            "no Discord token: set DISCORD_TOKEN to the bot token, or DISCORD_TOKEN_FILE to a "
            "file that holds it (e.g. a Docker secret at /run/secrets/discord_token)"
        )
    configure_logging(settings.log_level)
    if bot_factory is None:
        from bot.client import create_bot  # imported late: the CLI must work without it

        bot_factory = create_bot
    return asyncio.run(serve(settings, bot_factory))


async def serve(settings: Settings, bot_factory: BotFactory) -> int:
    """Start the bot, keep a heartbeat, stop cleanly on SIGTERM/SIGINT."""
    assert settings.token is not None
    token = settings.token.reveal()
    marker = settings.rejected_token_file
    rejected = read_rejection(marker, login_identity(settings))
    if rejected is not None:
        log.error(
            "Discord already rejected this token with these settings (%s); not logging in "
            "again. Fix the cause and change the token or shard settings, or delete %s to retry.",
            rejected,
            marker,
        )
        return EXIT_CONFIG
    forget_rejection(marker)
    bot = bot_factory(settings)
    with _heartbeat(bot, settings):
        return await _run_until_stopped(bot, token, settings)


def login_identity(settings: Settings) -> str:
    """What a refusal depends on: the token, the shard layout and the gateway library version."""
    assert settings.token is not None
    shards = f"{settings.shard_count}:{settings.shard_ids}"
    return f"{settings.token.reveal().strip()}\n{shards}\ndiscord.py {discord.__version__}"


async def _run_until_stopped(bot: commands.Bot, token: str, settings: Settings) -> int:
    loop = asyncio.get_running_loop()
    async with bot:
        start = asyncio.create_task(bot.start(token), name="reportbot-start")
        closer: list[asyncio.Task[None]] = []

        def stop(signame: str) -> None:
            if closer:
                log.info("received %s while stopping; still stopping", signame)
                return
            log.info("received %s: closing the gateway and the database", signame)
            if bot.user is None:
                # Still waiting on the login request: nothing is open yet, and closing the
                # HTTP session does not abort a request in flight, so cancel it now.
                start.cancel()
            closer.append(asyncio.create_task(bot.close(), name="reportbot-close"))
            # close() makes start() return; if something still hangs, cancel it after a grace.
            loop.call_later(STOP_GRACE_S, start.cancel)

        with _signal_handlers(loop, stop):
            status = await _wait_for_start(start, settings)
            if closer:
                await closer[0]
    log.info("stopped with exit status %d", status)
    return status


async def _wait_for_start(start: asyncio.Task[None], settings: Settings) -> int:
    """Map how bot.start() ended to an exit status; record a rejected token."""
    try:
        await start
    except asyncio.CancelledError:
        return EXIT_OK  # cancelled only by our own stop()
    except discord.LoginFailure:
        return _reject(settings, "Discord refused the token (401 Unauthorized)")
    except discord.PrivilegedIntentsRequired:
        return _reject(
            settings,
            "the bot asks for privileged intents that are not enabled for it in the Discord "
            "Developer Portal (Bot > Privileged Gateway Intents)",
        )
    except discord.ConnectionClosed as exc:
        if exc.code not in FATAL_CLOSE_CODES:
            log.exception("the gateway closed the connection (code %s)", exc.code)
            return EXIT_FAILURE
        return _reject(settings, f"gateway close {exc.code}: {FATAL_CLOSE_CODES[exc.code]}")
    except UserError as exc:  # e.g. the database is missing, corrupt or too new: say so plainly
        log.error("cannot start: %s", exc)
        return EXIT_FAILURE
    except Exception:
        log.exception("the bot stopped on an unexpected error")
        return EXIT_FAILURE
    return EXIT_OK


def _reject(settings: Settings, reason: str) -> int:
    """Log a configuration failure, and remember it so restarts do not ask Discord again."""
    log.error("%s. Not retrying: exit status %d.", reason, EXIT_CONFIG)
    marker = settings.rejected_token_file
    try:
        record_rejection(marker, login_identity(settings), reason)
    except OSError as exc:
        log.warning(
            "could not record the rejection in %s (%s); set REPORTBOT_REJECTED_TOKEN_FILE to a "
            "writable path so restarts do not log in again",
            marker,
            exc.strerror,
        )
    return EXIT_CONFIG


@contextlib.contextmanager
def _signal_handlers(
    loop: asyncio.AbstractEventLoop, stop: Callable[[str], None]
) -> Iterator[None]:
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, stop, sig.name)
    try:
        yield
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


@contextlib.contextmanager
def _heartbeat(bot: commands.Bot, settings: Settings) -> Iterator[None]:
    """Rewrite the heartbeat file while the bot runs; remove it on the way out."""
    path = settings.heartbeat_path
    task = asyncio.get_running_loop().create_task(_beat_forever(bot, settings), name="heartbeat")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


async def _beat_forever(bot: commands.Bot, settings: Settings) -> None:
    warned = False
    while True:
        try:
            write_heartbeat(settings.heartbeat_path, take_heartbeat(bot, time.time()))
        except OSError as exc:
            if not warned:
                log.warning("cannot write heartbeat %s: %s", settings.heartbeat_path, exc)
                warned = True
        await asyncio.sleep(HEARTBEAT_INTERVAL_S)


def take_heartbeat(bot: discord.Client, now: float) -> Heartbeat:
    """What `reportbot health` needs to know about the gateway right now."""
    if isinstance(bot, discord.AutoShardedClient):
        shards = bot.shards
        connected = bool(shards) and not any(s.is_closed() for s in shards.values())
        shard_ids = tuple(sorted(shards))
    else:
        connected = bot.ws is not None and bot.ws.open
        shard_ids = ()
    latency_s = bot.latency
    return Heartbeat(
        time=now,
        connected=connected and not bot.is_closed(),
        ready=bot.is_ready(),
        latency_ms=round(latency_s * 1000, 1) if math.isfinite(latency_s) else None,
        pid=os.getpid(),
        shards=shard_ids,
    )
