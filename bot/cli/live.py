"""`reportbot console` (the bot without Discord) and `reportbot sync` (publish slash commands)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli.usage import examples
from bot.settings import Settings

NEEDS_TOKEN = (
    "reportbot sync needs the bot's token: set DISCORD_TOKEN (or DISCORD_TOKEN_FILE) to the token "
    "from the Developer Portal (Bot > Reset Token)."
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `console` and `sync` to the parser."""
    console = subparsers.add_parser(
        "console",
        help="type /ask, /cite, /reports and see what the bot would post (no token)",
        description="Type slash commands as in Discord and see exactly what the bot would post. "
        "Arrow keys edit and recall lines, Ctrl-C cancels a line, Ctrl-D or `quit` leaves; "
        "piped input is read line by line without a prompt.",
        epilog=examples("console", "console < questions.txt"),
    )
    console.set_defaults(handler=run_console_command)
    sync = subparsers.add_parser(
        "sync",
        help="publish the slash commands to Discord (to one server with --guild)",
        description="Log in over HTTP (no gateway) and publish the slash commands: to one server "
        "at once with --guild, else globally (up to an hour). Needs DISCORD_TOKEN.",
        epilog=examples("sync --guild 123456789012345678", "sync"),
    )
    sync.add_argument(
        "--guild",
        type=int,
        default=None,
        metavar="ID",
        help="server id: commands appear there at once (default: $REPORTBOT_GUILD_ID, else global)",
    )
    sync.set_defaults(handler=run_sync_command)


def run_console_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import console_main

    return console_main(settings)


def run_sync_command(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        print(f"reportbot: {NEEDS_TOKEN}", file=sys.stderr)
        return 2
    import discord

    guild_id = args.guild if args.guild is not None else settings.guild_id
    try:
        count = asyncio.run(sync_commands(settings, guild_id))
    except discord.LoginFailure:
        print(
            "reportbot: Discord rejected the token; reset it in the Developer Portal.",
            file=sys.stderr,
        )
        return 2
    except (discord.HTTPException, OSError) as error:  # network down, missing access to guild
        print(f"reportbot: could not sync: {error}", file=sys.stderr)
        return 1
    where = f"to server {guild_id}" if guild_id else "globally (may take up to an hour to show)"
    print(f"Synced {count} commands {where}.")
    return 0


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Log in over HTTP only (no gateway), publish the command tree, log out."""
    import discord

    from bot.client import create_bot

    assert settings.token is not None
    bot = create_bot(settings)
    async with bot:
        await bot.login(settings.token.reveal())  # runs setup_hook, which adds the commands
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
    return len(synced)
