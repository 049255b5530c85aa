"""The `reportbot` command: one subcommand module per family, errors mapped to exit status 2."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.settings import Settings
from corpus.errors import UserError

# Each module defines register(subparsers) and sets `handler` on its parsers:
# handler(args: argparse.Namespace, settings: Settings) -> int (exit status).
COMMAND_MODULES = ("bot.cli.corpus", "bot.cli.ask", "bot.cli.series", "bot.cli.live", "bot.cli.ops")

EXIT_USAGE = 2  # bad input, unknown report/paragraph: the message says what exists

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportbot",
        description="Ask questions about UN reports and get quoted, cited paragraphs.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="SQLite database path (default: $REPORTBOT_DB or ./reportbot.sqlite3)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> int:
    """Run one command; user errors go to stderr with exit status 2, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(os.environ if env is None else env)
        if args.db is not None:
            settings = settings.replace(db_path=args.db)
        handler: Handler = args.handler
        return handler(args, settings)
    except UserError as error:
        print(f"reportbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
