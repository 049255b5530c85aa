"""`reportbot remove`: what /remove does, from the terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli.usage import examples
from bot.replies import count_noun
from bot.settings import Settings
from retrieval.library import Library


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `remove`."""
    remove = subparsers.add_parser(
        "remove",
        help="delete a report and its search index",
        description="Delete a report, its paragraphs and its search index in one transaction "
        "(what /remove does in Discord). The report may be typed loosely (s-2018-80).",
        epilog=examples("remove S/2016/501", "remove s-2016-501 --db /data/reportbot.sqlite3"),
    )
    remove.add_argument("report", metavar="SYMBOL", help='report symbol, e.g. "S/2016/501"')
    remove.set_defaults(handler=run_remove)


def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove one report; refused on a read-only database, as /remove is on a replica."""
    return asyncio.run(_remove(args.report, settings))


async def _remove(report: str, settings: Settings) -> int:
    async with await Library.open(
        settings.db_path, read_only=settings.read_only, progress=_to_stderr, semantic=False
    ) as library:
        summary = await library.remove(await library.resolve_report(report))
    print(
        f"{summary.meta.symbol}: removed, {count_noun(summary.paragraph_count, 'paragraph')}, "
        f"{count_noun(summary.footnote_count, 'footnote')}"
    )
    return 0


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
