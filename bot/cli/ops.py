"""`reportbot run` (go live on Discord) and `reportbot health` (the container's health check)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from bot.cli.usage import examples
from bot.settings import LOG_LEVELS, Settings, parse_shard_ids


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run` and `health`."""
    run = subparsers.add_parser(
        "run",
        help="connect to Discord and answer slash commands until stopped",
        description="Connect to Discord (needs DISCORD_TOKEN or DISCORD_TOKEN_FILE). SIGTERM or "
        "Ctrl-C stops it cleanly; exit status 78 means Discord refused the token or intents.",
        epilog=examples(
            "run",
            "run --log-level DEBUG",
            "run --shard-count 4 --shard-ids 0,1 --read-only",
        ),
    )
    run.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default=None,
        help="log verbosity (default: $REPORTBOT_LOG_LEVEL or INFO)",
    )
    run.add_argument(
        "--shard-count", type=int, default=None, help="total shards across all processes"
    )
    run.add_argument(
        "--shard-ids",
        type=parse_shard_ids,
        default=None,
        metavar="IDS",
        help="the shards this process runs, e.g. 0,1 (needs --shard-count)",
    )
    run.add_argument(
        "--read-only",
        action="store_true",
        default=None,
        help="open the database read-only (a replica); same as REPORTBOT_READ_ONLY=1",
    )
    run.set_defaults(handler=_run)

    health = subparsers.add_parser(
        "health",
        help="exit 0 if the database answers and the running bot is connected",
        description="Open the database read-only and ask it one question; if a heartbeat file "
        "exists, also require it to be fresh and connected. Exit 1 with one line otherwise.",
        epilog=examples("health", "health --db /data/reportbot.sqlite3"),
    )
    health.set_defaults(handler=_health)


def run_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The settings `run`'s flags change; flags win over the environment."""
    changes: dict[str, object] = {
        name: getattr(args, name)
        for name in ("log_level", "shard_count", "shard_ids")
        if getattr(args, name) is not None
    }
    if args.read_only:
        changes["read_only"] = True
    return changes


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot  # imports discord: keep the offline commands light

    return run_bot(settings.replace(**run_overrides(args)))


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from bot.health import check_health

    problem = asyncio.run(check_health(settings, time.time()))
    if problem is None:
        print("healthy")
        return 0
    print(f"unhealthy: {problem}", file=sys.stderr)
    return 1
