"""`reportbot console`: type what you would type in Discord, see exactly what the bot would post.

A person at a terminal gets line editing and history from the standard library's readline
(no extra dependency; the image's Python has it), Ctrl-C cancels the line or the running
command, Ctrl-D quits. Piped input is read line by line with no prompt.
"""

from __future__ import annotations

import asyncio
import difflib
import shlex
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.options import parse_results, parse_span
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
PRIVATE = "(only you can see this)"
HELP = """\
Type a command as you would in Discord:
  /ask <question> [report:S/2018/80] [results:5]
  /cite <report> <paragraph or range>     e.g. /cite S/2018/80 13  or  /cite S/2018/80 12-14
  /reports
  /timeline <question>                    e.g. /timeline oil revenue
  /trend <terms>                          e.g. /trend ISIL, drones, oil revenue
  /whatsnew <report>                      e.g. /whatsnew latest
  /help
Arrow keys edit and recall lines; Ctrl-C cancels a line; quit or Ctrl-D leaves."""
QUIT_WORDS = {"quit", "exit"}

Command = Callable[[Library, Settings, list[str]], Awaitable[list[Reply]]]

ASK_OPTIONS = ("report", "results")
# Filters the question itself may carry (query syntax), so never "did you mean" material.
QUERY_FILTERS = ("year", "report")


async def _ask(library: Library, settings: Settings, words: list[str]) -> list[Reply]:
    options: dict[str, str] = {}
    question_words: list[str] = []
    for word in words:
        name, value = _option(word)
        if name is None:
            question_words.append(word)
        elif not value:
            raise UserError(f"{name}: needs a value, e.g. {name}:{_EXAMPLE_VALUE[name]}")
        else:
            options[name] = value
    question = " ".join(question_words)
    if not question:
        raise UserError("Usage: /ask <question> [report:SYMBOL] [results:N]")
    report = options.get("report")
    symbol = await library.resolve_report(report) if report else None
    raw = options.get("results")
    results = (
        parse_results(raw, settings.max_results) if raw is not None else settings.default_results
    )
    answer = await library.ask(question, k=results, report=symbol)
    return [render_answer(answer, link_base_url=settings.link_base_url)]


_EXAMPLE_VALUE = {"report": "S/2018/80", "results": "5"}


def _option(word: str) -> tuple[str | None, str]:
    """("results", "5") for "results:5"; (None, "") for a question word; a typo is an error."""
    name, sep, value = word.partition(":")
    if not sep or not name.isalpha():
        return None, ""
    lowered = name.lower()
    if lowered in ASK_OPTIONS:
        return lowered, value
    if lowered not in QUERY_FILTERS:
        close = difflib.get_close_matches(lowered, ASK_OPTIONS, n=1, cutoff=0.75)
        if close:
            raise UserError(f"Unknown option “{name}:”; did you mean {close[0]}:?")
    return None, ""


async def _cite(library: Library, settings: Settings, words: list[str]) -> list[Reply]:
    if len(words) < 2:  # the report may be words: /cite sixth report 13
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


def _unknown(typed: str) -> str:
    candidates = [*COMMANDS, *(name.lstrip("/") for name in COMMANDS)]
    close = difflib.get_close_matches(typed.lower(), candidates, n=1, cutoff=0.6)
    hint = f" Did you mean /{close[0].lstrip('/')}?" if close else ""
    return f"Unknown command {typed!r}.{hint} Type /help for the list."


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
        return _unknown(words[0])
    try:
        replies = await command(library, settings, words[1:])
    except UserError as error:
        return f"{PRIVATE} {error}"
    return "\n\n".join(render_text(r) for r in replies)


async def _open(settings: Settings) -> Library:
    return await Library.open(
        settings.db_path,
        read_only=settings.read_only,
        progress=_to_stderr,
        semantic=settings.semantic,
        spelling=settings.spelling,
    )


async def run_console(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    """Read commands from a pipe or file until EOF or `quit`; no prompt, no line editing."""
    async with await _open(settings) as library:
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip().lower() in QUIT_WORDS:
                return 0
            output = await run_line(library, settings, line.strip())
            if output:
                stdout.write(output + "\n\n")
                stdout.flush()


def run_interactive(settings: Settings) -> int:
    """Prompt a person at a terminal: readline editing and history, Ctrl-C, Ctrl-D."""
    _enable_line_editing()
    with asyncio.Runner() as runner:
        library = runner.run(_open(settings))
        try:
            print(HELP)
            while (line := _read_line()) is not None:
                if line.strip().lower() in QUIT_WORDS:
                    break
                try:
                    # Runner.run cancels the command on Ctrl-C and raises KeyboardInterrupt.
                    output = runner.run(run_line(library, settings, line.strip()))
                except KeyboardInterrupt:
                    output = "(cancelled)"
                if output:
                    print(output + "\n", flush=True)
        finally:
            runner.run(library.close())
    return 0


def _read_line() -> str | None:
    """The next line typed; Ctrl-C drops the line and prompts again; None at Ctrl-D."""
    while True:
        try:
            return input(PROMPT)
        except KeyboardInterrupt:
            print()  # the terminal showed ^C; start a fresh prompt below it
        except EOFError:
            print()
            return None


def _enable_line_editing() -> None:
    """Arrow keys, history and Tab completion of commands and option names, where available."""
    try:
        import readline  # GNU readline or libedit; absent on Windows
    except ImportError:
        return
    words = [*COMMANDS, *(f"{name}:" for name in ASK_OPTIONS), "quit"]

    def complete(text: str, state: int) -> str | None:
        matches = [w for w in words if w.startswith(text)]
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" \t\n")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


def console_main(settings: Settings) -> int:
    """Interactive when a person is typing at a terminal, line by line otherwise."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return run_interactive(settings)
    return asyncio.run(run_console(settings, sys.stdin, sys.stdout))


def _to_stderr(message: str) -> None:
    """Progress of a first-time database build: stderr, so piped output stays the replies."""
    print(message, file=sys.stderr)
