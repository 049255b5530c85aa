"""`reportbot ingest | reports | export | cite`: the corpus from the terminal, no token needed."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path

from bot.cli.usage import examples
from bot.links import FETCH_TIMEOUT_S, is_link
from bot.options import parse_span
from bot.replies import count_noun, render_paragraphs, render_text
from bot.settings import Settings
from corpus.decode import MAX_REPORT_BYTES
from corpus.errors import ParseError, UserError
from corpus.model import Paragraph
from retrieval.library import Library
from retrieval.store import SchemaNeedsUpgrade

Subparsers = argparse._SubParsersAction  # argparse has no public name for it


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add ingest, reports, export and cite to the parser."""
    ingest = subparsers.add_parser(
        "ingest",
        help="add or replace reports from files or https:// links (PDF, web page or text)",
        description="Add reports from PDFs, saved web pages (.html), plain-text files (or a JSON "
        "Lines export), or https:// links to any of these. Each is stored in its own "
        "transaction: one that fails changes nothing.",
        epilog=examples(
            "ingest S-2019-103.pdf",
            "ingest https://example.org/S-2019-103.pdf",
            "ingest notes.txt --symbol S/2017/97 --date 2017-02-02 --title 'Fourth report'",
            "ingest edited.jsonl --allow-irregular",
        ),
    )
    ingest.add_argument(
        "paths",
        nargs="+",
        metavar="PATH_OR_URL",
        help="a report (.pdf, .html, .txt, .md), an export, or an https:// link to one",
    )
    ingest.add_argument(
        "--timeout",
        type=_seconds,
        default=FETCH_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up on a link after this long (default {FETCH_TIMEOUT_S:g})",
    )
    ingest.add_argument("--symbol", help="document symbol, e.g. S/2018/80 (one PATH only)")
    ingest.add_argument("--date", type=_iso_date, help="report date, YYYY-MM-DD (one PATH only)")
    ingest.add_argument("--title", help="report title (one PATH only)")
    ingest.add_argument(
        "--allow-irregular",
        action="store_true",
        help="accept gaps in paragraph numbering (warns instead of refusing); "
        "repeated numbers are always refused",
    )
    ingest.set_defaults(handler=run_ingest)

    reports = subparsers.add_parser(
        "reports",
        help="list the reports in the database",
        description="List every report, oldest first: symbol, date, paragraph and footnote "
        "counts, title.",
        epilog=examples("reports", "reports --json"),
    )
    reports.add_argument("--json", action="store_true", help="print a JSON array")
    reports.set_defaults(handler=run_reports)

    export = subparsers.add_parser(
        "export",
        help="print paragraphs as JSON Lines (one object per paragraph)",
        description="Print paragraphs in citation order as JSON Lines, which `ingest` reads back.",
        epilog=examples("export --report S/2018/80 > S-2018-80.jsonl", "export | head -1"),
    )
    export.add_argument("--report", metavar="SYMBOL", help="only this report")
    export.set_defaults(handler=run_export)

    cite = subparsers.add_parser(
        "cite",
        help="print a paragraph (or a range) in full",
        description="Print paragraphs in full with heading path, footnotes and link, as /cite "
        "posts them (a range of at most 10, as in Discord).",
        epilog=examples("cite S/2018/80 13", "cite s-2016-501 12-14", "cite S/2018/80 13 --json"),
    )
    cite.add_argument("report", metavar="REPORT", help='report symbol, e.g. "S/2018/80"')
    cite.add_argument("paragraph", metavar="PARAGRAPH", help='a number ("13") or range ("12-14")')
    cite.add_argument("--json", action="store_true", help="print the export object(s)")
    cite.set_defaults(handler=run_cite)


def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest each file in turn; stop at the first failure, which leaves that file unstored."""
    if len(args.paths) > 1 and (args.symbol or args.date or args.title):
        raise UserError("--symbol, --date and --title describe one report; give one PATH")
    return asyncio.run(_ingest(args, settings))


async def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    async with await _open(settings) as library:
        for path in args.paths:
            data, source = await _read_input(path, args.timeout, settings.max_upload_bytes)
            result = await library.ingest(
                data,
                source=source,
                symbol=args.symbol,
                date=args.date,
                title=args.title,
                allow_irregular=args.allow_irregular,
            )
            print(
                f"{result.symbol}: {result.status}, "
                f"{count_noun(result.paragraph_count, 'paragraph')}, "
                f"{count_noun(result.footnote_count, 'footnote')} (from {path})"
            )
            for warning in result.warnings:
                print(f"  warning: {warning}")
    return 0


def run_reports(args: argparse.Namespace, settings: Settings) -> int:
    """List reports, oldest first."""
    return asyncio.run(_reports(args, settings))


async def _reports(args: argparse.Namespace, settings: Settings) -> int:
    async with await _open_for_reading(settings) as library:
        summaries = await library.reports()
    if args.json:
        rows = [
            {
                "symbol": s.meta.symbol,
                "date": s.meta.date.isoformat() if s.meta.date else None,
                "title": s.meta.title,
                "ordinal": s.meta.ordinal,
                "language": s.meta.language,
                "paragraphs": s.paragraph_count,
                "footnotes": s.footnote_count,
            }
            for s in summaries
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not summaries:
        print(f"no reports in {settings.db_path}; add one with: reportbot ingest FILE")
    for s in summaries:
        date = s.meta.date.isoformat() if s.meta.date else "(no date)"
        paragraphs = count_noun(s.paragraph_count, "paragraph")
        footnotes = count_noun(s.footnote_count, "footnote")
        print(f"{s.meta.symbol:<14} {date:<10} {paragraphs:>15} {footnotes:>14}  {s.meta.title}")
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Print JSON Lines that `ingest` accepts back."""
    return asyncio.run(_export(args, settings))


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    async with await _open_for_reading(settings) as library:
        paragraphs = await library.export(args.report)
    try:
        for paragraph in paragraphs:
            sys.stdout.write(json.dumps(export_object(paragraph), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Point stdout at devnull so the
        # interpreter's final flush does not raise again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def run_cite(args: argparse.Namespace, settings: Settings) -> int:
    """Print paragraphs in full with where they sit and what they cite."""
    first, last = parse_span(args.paragraph)  # the same range limit as /cite
    return asyncio.run(_cite(args.report, first, last, as_json=args.json, settings=settings))


async def _cite(report: str, first: int, last: int, *, as_json: bool, settings: Settings) -> int:
    async with await _open_for_reading(settings) as library:
        paragraphs = await library.cite(report, first, last)
        symbol = paragraphs[0].report
        date = next((r.meta.date for r in await library.reports() if r.meta.symbol == symbol), None)
    if as_json:
        objects = [export_object(p) for p in paragraphs]
        value: object = objects[0] if first == last else objects
        print(json.dumps(value, ensure_ascii=False, indent=2))
    else:
        # The same text the bot posts for /cite: one renderer for every surface.
        replies = render_paragraphs(paragraphs, link_base_url=settings.link_base_url, date=date)
        print("\n\n".join(render_text(reply) for reply in replies))
    return 0


def export_object(paragraph: Paragraph) -> dict[str, object]:
    """The JSON shape of one paragraph, shared by export and cite --json."""
    return {
        "report": paragraph.report,
        "number": paragraph.number,
        "text": paragraph.text,
        "section": list(paragraph.section),
        "footnotes": [{"number": f.number, "text": f.text} for f in paragraph.footnotes],
    }


async def _open(settings: Settings) -> Library:
    return await Library.open(
        settings.db_path,
        read_only=settings.read_only,
        progress=_to_stderr,
        semantic=settings.semantic,
        spelling=settings.spelling,
    )


async def _open_for_reading(settings: Settings) -> Library:
    """Read commands never write to an existing database, so they work on read-only mounts."""
    if not await asyncio.to_thread(settings.db_path.is_file):
        return await _open(settings)
    try:
        return await Library.open(settings.db_path, read_only=True, semantic=False)
    except SchemaNeedsUpgrade:
        return await _open(settings)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def _read_input(argument: str, timeout_s: float, max_bytes: int) -> tuple[bytes, str]:
    """A file's bytes and its name, or a link's bytes and the link itself."""
    if is_link(argument):
        from bot.fetching import fetch_report  # aiohttp: only for a link (bot/links.py)

        fetched = await fetch_report(argument, max_bytes=max_bytes, timeout_s=timeout_s)
        return fetched.data, argument
    path = Path(argument)
    return await asyncio.to_thread(_read_report_file, path), path.name


def _read_report_file(path: Path) -> bytes:
    """Read a file, refusing huge ones before reading them into memory."""
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ParseError(
                f"the file is {size:,} bytes; the limit is {MAX_REPORT_BYTES:,}", source=str(path)
            )
        return path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return seconds


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2018-01-31") from None
