"""The `reportbot` command: one subcommand module per family, errors mapped to exit status 2."""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from bot.cli.usage import HelpFormatter
from bot.settings import Settings
from corpus.errors import UserError

# Each module defines register(subparsers) and sets `handler` on its parsers:
# handler(args: argparse.Namespace, settings: Settings) -> int (exit status).
# Give each parser a description and an epilog of examples (bot.cli.usage.examples);
# the global options (--db) are added to every subcommand here, after registration.
COMMAND_MODULES = (
    "bot.cli.corpus",
    "bot.cli.ask",
    "bot.cli.series",
    "bot.cli.live",
    "bot.cli.ops",
    "bot.cli.manage",
)

EXIT_USAGE = 2  # bad input, unknown report/paragraph: the message says what exists

Handler = Callable[[argparse.Namespace, Settings], int]


class Parser(argparse.ArgumentParser):
    """argparse with a "did you mean" for a mistyped subcommand or option."""

    def error(self, message: str) -> NoReturn:
        if "invalid choice: '" in message and self._subparsers is not None:
            typed = message.split("invalid choice: '", 1)[1].split("'", 1)[0]
            close = difflib.get_close_matches(typed, list(self._commands()), n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        elif message.startswith("unrecognized arguments: "):
            options = self._option_strings()
            for word in message.removeprefix("unrecognized arguments: ").split():
                close = difflib.get_close_matches(word.split("=")[0], options, n=1)
                if word.startswith("-") and close:
                    message += f"; did you mean {close[0]}?"
                    break
        super().error(message)

    def _commands(self) -> dict[str, argparse.ArgumentParser]:
        groups = self._subparsers._group_actions if self._subparsers is not None else []
        choices = [a.choices for a in groups if isinstance(a.choices, dict)]  # the subcommands
        return {name: sub for found in choices for name, sub in found.items()}

    def _option_strings(self) -> list[str]:
        """Every option of this parser and its subcommands (argparse reports unknown ones here)."""
        parsers = [self, *self._commands().values()]
        return sorted({o for p in parsers for a in p._actions for o in a.option_strings})


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~30 ms: only for --version

    try:
        return version("reportbot")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """--version, looking the version up only when asked (every command builds the parser)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        print(f"reportbot {package_version()}")  # to stdout, as argparse's "version" action
        parser.exit()


def _add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Options every command takes, before or after its name: `reportbot ingest --db X f`."""
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        # After the subcommand, an absent flag must not overwrite one given before it.
        default=None if top else argparse.SUPPRESS,
        help="SQLite database path (default: $REPORTBOT_DB or ./reportbot.sqlite3)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="reportbot",
        description="Ask questions about UN reports and get quoted, cited paragraphs.",
        epilog="Run `reportbot COMMAND --help` for a command's options and examples.",
    )
    parser.add_argument("--version", action=_VersionAction)
    _add_global_options(parser, top=True)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=Parser
    )
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(subparsers)
    for sub in subparsers.choices.values():
        sub.formatter_class = HelpFormatter  # keeps the examples' lines
        _add_global_options(sub, top=False)
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
    except BrokenPipeError:
        _discard_stdout()  # the reader stopped early (`| head`): not an error
        return 0
    except KeyboardInterrupt:
        return 130


def _discard_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot raise again.

    Python docs, "Note on SIGPIPE": a closed pipe is the reader's choice, not a failure.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout replaced by something without a descriptor
        pass


def run() -> None:
    """Console-script entry point."""
    status = main()
    try:
        sys.stdout.flush()  # output still buffered meets a closed pipe here, not at exit
    except BrokenPipeError:
        _discard_stdout()
    sys.exit(status)
