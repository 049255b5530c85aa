"""`reportbot timeline|trend|whatsnew`: the series view offline, printed as the bot posts it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.replies import render_text
from bot.series_commands import terms_from_words, timeline_pages, trend_answer, whatsnew_pages
from bot.settings import Settings
from corpus.errors import UserError
from retrieval.library import Library

T = TypeVar("T")
PAGE_BREAK = "\n\n── More results ──\n\n"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `timeline`, `trend` and `whatsnew` to the parser."""
    timeline = subparsers.add_parser(
        "timeline",
        help="the best answering paragraph of each report, oldest to newest",
        description="Quote each report's best paragraph on a topic; name the reports silent on it.",
        epilog=_examples(
            "timeline oil revenue", "timeline --per-page 3 foreign terrorist fighters"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    timeline.add_argument("question", nargs="+", help="the topic (quote it in the shell)")
    timeline.add_argument(
        "--per-page", type=_per_page, default=10, help="reports per page, 1-10 (default 10)"
    )
    timeline.set_defaults(handler=handle_timeline)

    trend = subparsers.add_parser(
        "trend",
        help="how often terms appear in each report, per 10,000 words",
        description=(
            "Count up to five terms in each report (a name counts its aliases: ISIL counts\n"
            "Da'esh). Separate terms with commas, or quote phrases in the shell."
        ),
        epilog=_examples(
            "trend ISIL, drones, oil revenue",
            'trend ISIL "foreign terrorist fighters" --png trend.png',
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    trend.add_argument("terms", nargs="+", help="the terms")
    trend.add_argument("--png", type=Path, metavar="FILE", help="also write the chart here")
    trend.set_defaults(handler=handle_trend)

    whatsnew = subparsers.add_parser(
        "whatsnew",
        help="paragraphs of a report with no close counterpart in the report before it",
        description="REPORT is a symbol or words: latest, previous, 'sixth report'.",
        epilog=_examples("whatsnew latest", "whatsnew S/2018/80"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    whatsnew.add_argument("report", nargs="+", help="e.g. S/2018/80 or latest")
    whatsnew.set_defaults(handler=handle_whatsnew)


def _examples(*lines: str) -> str:
    """An --help epilog of example invocations, one per line (the house's "examples:" form)."""
    return "examples:\n" + "\n".join(f"  reportbot {line}" for line in lines)


def _per_page(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError("--per-page must be between 1 and 10")
    return value


def _with_library(settings: Settings, work: Callable[[Library], Awaitable[T]]) -> T:
    async def run() -> T:
        async with await Library.open(
            settings.db_path, read_only=settings.read_only, progress=_progress
        ) as library:
            return await work(library)

    return asyncio.run(run())


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def handle_timeline(args: argparse.Namespace, settings: Settings) -> int:
    question = " ".join(args.question)
    pages = _with_library(
        settings,
        lambda library: timeline_pages(
            library, question, link_base_url=settings.link_base_url, per_page=args.per_page
        ),
    )
    print(PAGE_BREAK.join(render_text(page) for page in pages))
    return 0


def handle_trend(args: argparse.Namespace, settings: Settings) -> int:
    terms = terms_from_words(args.terms)
    image = str(args.png) if args.png else None
    answer = _with_library(settings, lambda library: trend_answer(library, terms, image=image))
    if args.png:
        try:
            args.png.write_bytes(answer.png)
        except OSError as error:
            raise UserError(f"cannot write the chart to {args.png}: {error.strerror}") from None
    print(render_text(answer.reply))
    return 0


def handle_whatsnew(args: argparse.Namespace, settings: Settings) -> int:
    report = " ".join(args.report)
    pages = _with_library(
        settings,
        lambda library: whatsnew_pages(library, report, link_base_url=settings.link_base_url),
    )
    print(PAGE_BREAK.join(render_text(page) for page in pages))
    return 0
