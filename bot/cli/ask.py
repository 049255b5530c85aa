"""`reportbot ask`: answer a question offline, as the bot would, or as JSON for scripts."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.cli.usage import examples
from bot.replies import render_answer, render_text
from bot.settings import Settings
from retrieval.answer import Answer, Hit
from retrieval.library import Library
from retrieval.store import SchemaNeedsUpgrade

MAX_CLI_RESULTS = 50  # more than the bot shows (10): evaluation scripts rank deeper


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ask` to the parser."""
    parser = subparsers.add_parser(
        "ask",
        help="answer a question with quoted, cited paragraphs",
        description=(
            "Rank paragraphs for a question and quote the sentences that answer it. "
            "Query syntax: a citation (S/2018/80 para 13, S/2018/80#13), filters "
            '(report:S/2018/80, year:2016) and "quoted phrases" may appear in the question.'
        ),
        epilog=examples(
            'ask "how is ISIL making money now?"',
            'ask -k 5 --report S/2018/80 "foreign terrorist fighters returning"',
            'ask --json --year 2016 "hawala"',
        ),
    )
    parser.add_argument("question", nargs="+", help="the question (quote it in the shell)")
    parser.add_argument(
        "-k", type=_result_count, default=None, help="number of results (default: settings)"
    )
    parser.add_argument("--report", metavar="SYMBOL", help="only this report, e.g. S/2018/80")
    parser.add_argument("--year", type=_year, help="only reports of this year, e.g. 2016")
    parser.add_argument("--json", action="store_true", help="print the ranking as JSON")
    parser.set_defaults(handler=handle)


def _result_count(raw: str) -> int:
    if not raw.strip().isdigit():
        raise argparse.ArgumentTypeError(f"-k takes a whole number from 1 to {MAX_CLI_RESULTS}")
    value = int(raw)
    if not 1 <= value <= MAX_CLI_RESULTS:
        raise argparse.ArgumentTypeError(f"-k must be between 1 and {MAX_CLI_RESULTS}")
    return value


def _year(raw: str) -> int:
    if not (raw.isdigit() and len(raw) == 4):
        raise argparse.ArgumentTypeError(f"{raw!r} is not a year such as 2016")
    return int(raw)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Open the library (building it on first use), ask, print; 0 even when nothing matched."""
    question = " ".join(args.question)
    k = args.k or settings.default_results
    answer = asyncio.run(_ask(settings, question, k, args.report, args.year))
    print(
        json.dumps(answer_json(answer), ensure_ascii=False)
        if args.json
        else render_text(render_answer(answer, link_base_url=settings.link_base_url))
    )
    return 0


async def _ask(
    settings: Settings, question: str, k: int, report: str | None, year: int | None
) -> Answer:
    async with await _open_for_asking(settings) as library:
        return await library.ask(question, k=k, report=report, year=year)


async def _open_for_asking(settings: Settings) -> Library:
    """Open read-only when the database exists (read-only mounts work) or REPORTBOT_READ_ONLY
    is set (a missing database is then an error, never created); else build it on first use."""
    if settings.read_only or await asyncio.to_thread(settings.db_path.is_file):
        try:
            return await Library.open(
                settings.db_path,
                read_only=True,
                semantic=settings.semantic,
                spelling=settings.spelling,
            )
        except SchemaNeedsUpgrade:
            if settings.read_only:
                raise
    return await Library.open(
        settings.db_path, progress=_progress, semantic=settings.semantic, spelling=settings.spelling
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The --json shape: the ranking with citations, excerpts and the honesty flags."""
    return {
        "query": answer.query,
        "hits": [_hit_json(hit) for hit in answer.hits],
        "total": answer.total,
        "weak": answer.weak,
        "reason": answer.reason,
        "took_ms": round(answer.took_ms, 3),
    }


def _hit_json(hit: Hit) -> dict[str, Any]:
    paragraph = hit.paragraph
    return {
        "report": paragraph.report,
        "number": paragraph.number,
        "citation": hit.citation,
        "score": round(hit.score, 6),
        "section": list(paragraph.section),  # headings, outermost first, as export gives them
        "excerpt": hit.excerpt.text,
        "excerpt_span": [hit.excerpt.start, hit.excerpt.end],
        "highlights": [list(span) for span in hit.excerpt.highlights],
        "text": paragraph.text,
        "matched": list(hit.matched),
        "coverage": hit.coverage,
    }
