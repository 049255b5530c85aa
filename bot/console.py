"""`reportbot console`: type what you would type in Discord, see exactly what the bot would post."""

from __future__ import annotations

import asyncio
import shlex
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.replies import (
    Reply,
    render_answer,
    render_message,
    render_paragraphs,
    render_reports,
    render_text,
)
from bot.series_commands import SERIES_COMMANDS, cite_with_links
from bot.settings import Settings
from corpus.errors import UserError
from retrieval.library import Library

PROMPT = "reportbot> "
HELP = """\
Type a command as you would in Discord:
  /ask <question> [report:S/2018/80] [results:5]
  /cite <report> <paragraph or range>     e.g. /cite S/2018/80 13  or  /cite S/2018/80 12-14
  /reports
  /timeline <question>                    e.g. /timeline oil revenue
  /trend <terms>                          e.g. /trend ISIL, drones, oil revenue
  /whatsnew <report>                      e.g. /whatsnew latest
  /help
quit (or end of input) leaves."""

Command = Callable[[Library, Settings, list[str]], Awaitable[list[Reply]]]


async def _ask(library: Library, settings: Settings, words: list[str]) -> list[Reply]:
    options = {w.split(":", 1)[0]: w.split(":", 1)[1] for w in words if _is_option(w)}
    question = " ".join(w for w in words if not _is_option(w))
    if not question:
        raise UserError("Usage: /ask <question> [report:SYMBOL] [results:N]")
    report = options.get("report")
    symbol = await library.resolve_report(report) if report else None
    results = min(int(options.get("results", settings.default_results)), settings.max_results)
    answer = await library.ask(question, k=max(results, 1), report=symbol)
    return [render_answer(answer, link_base_url=settings.link_base_url)]


def _is_option(word: str) -> bool:
    name, sep, value = word.partition(":")
    return bool(sep and value) and name in {"report", "results"}


async def _cite(library: Library, settings: Settings, words: list[str]) -> list[Reply]:
    from bot.cogs.cite import parse_span

    if len(words) < 2:  # the report may be words: /cite sixth report 13 (issue 11)
        raise UserError("Usage: /cite <report> <paragraph>, e.g. /cite S/2018/80 13")
    symbol = await library.resolve_report(" ".join(words[:-1]))
    first, last = parse_span(words[-1])
    paragraphs = await library.cite(symbol, first, last)
    date = next((r.meta.date for r in await library.reports() if r.meta.symbol == symbol), None)
    pages = render_paragraphs(paragraphs, link_base_url=settings.link_base_url, date=date)
    return await cite_with_links(library, pages, symbol, (first, last), settings)  # issue 11


async def _reports(library: Library, settings: Settings, _: list[str]) -> list[Reply]:
    return [render_reports(await library.reports(), link_base_url=settings.link_base_url)]


async def _help(*_: object) -> list[Reply]:
    return [render_message(HELP)]


COMMANDS: dict[str, Command] = {"/ask": _ask, "/cite": _cite, "/reports": _reports, "/help": _help}
COMMANDS.update(SERIES_COMMANDS)  # issue 11: /timeline, /trend, /whatsnew


async def run_line(library: Library, settings: Settings, line: str) -> str:
    """One input line -> the text the bot would post (or the private error it would send)."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if not words:
        return ""
    command = COMMANDS.get(words[0].lower())
    if command is None:
        return f"Unknown command {words[0]!r}; type /help."
    try:
        replies = await command(library, settings, words[1:])
    except UserError as error:
        return f"(only you can see this) {error}"
    return "\n\n".join(render_text(r) for r in replies)


async def run_console(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    """Read commands until EOF or `quit`; prompt only when a person is typing."""
    interactive = stdin.isatty()
    async with await Library.open(
        settings.db_path, read_only=settings.read_only, progress=_to_stderr
    ) as library:
        if interactive:
            stdout.write(HELP + "\n")
        while True:
            if interactive:
                stdout.write(PROMPT)
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip().lower() in {"quit", "exit"}:
                return 0
            output = await run_line(library, settings, line.strip())
            if output:
                stdout.write(output + "\n\n")
                stdout.flush()


def _to_stderr(message: str) -> None:
    """Progress of a first-time database build: stderr, so piped output stays the replies."""
    print(message, file=sys.stderr)
