"""Keep the documentation's console examples true by running them.

Every ```console block in README.md and docs/*.md is a transcript: `$ uv run reportbot …` lines
are commands, the lines under each are its output (stdout and stderr, as a terminal shows
them). This script re-runs each command in-process on one database built from the bundled
corpus (a fresh copy per page, so a page's commands see each other's effects in order) and
compares. `uv run reportbot console` is followed by the session: `reportbot> ` lines are typed,
the lines under each are the reply.

    uv run python scripts/docs.py --check      # exit 1 and a diff when a page drifted
    uv run python scripts/docs.py --update     # rewrite the pages' outputs from the program

Only reportbot commands can be checked; put commands that need Discord, Docker or a shell
in ```sh blocks (no output shown). Timings ("took_ms", "in 0.3 s") are compared as "…".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import io
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli import main as reportbot_main  # noqa: E402
from bot.console import HELP, PROMPT, QUIT_WORDS, run_line  # noqa: E402
from bot.settings import Settings  # noqa: E402
from retrieval.library import Library  # noqa: E402

FENCE = re.compile(r"^```console\s*$")
COMMAND_PREFIX = "$ "
PROGRAM = ("uv", "run", "reportbot")
DB_NAME = "reportbot.sqlite3"
EXAMPLE_DIRS = ("corpus", "docs")  # what examples may name, relative to the repository
TERMINAL_COLUMNS = "100"  # argparse wraps --help to the terminal; the pages are read at this width
VOLATILE = [
    (re.compile(r'"took_ms": [0-9.]+'), '"took_ms": …'),
    (re.compile(r"in [0-9.]+ s\b"), "in … s"),
]


def pages(root: Path = ROOT) -> list[Path]:
    """The documentation the check covers: the README and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


@dataclass
class Example:
    """One command in a console block and the output the page shows for it."""

    page: Path
    line: int  # 1-based line of the `$ ` command
    command: str
    shown: list[str]
    inputs: list[tuple[str, list[str]]] = field(default_factory=list)  # console: typed, shown

    @property
    def is_console(self) -> bool:
        return _argv(self.command)[1] == ["console"]


def examples_in(page: Path) -> list[Example]:
    """Every command of every ```console block in the page, in order."""
    found: list[Example] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    in_block = False
    for number, text in enumerate(lines, start=1):
        if not in_block:
            in_block = bool(FENCE.match(text))
            continue
        if text.startswith("```"):
            in_block = False
        elif text.startswith(COMMAND_PREFIX):
            found.append(Example(page, number, text[len(COMMAND_PREFIX) :], []))
        elif found and found[-1].line < number:
            found[-1].shown.append(text)
    for example in found:
        while example.shown and not example.shown[-1].strip():
            example.shown.pop()  # blank lines between commands are layout, not output
        if example.is_console:
            example.inputs = _session(example.shown)
    return found


def _session(shown: list[str]) -> list[tuple[str, list[str]]]:
    """Split a console transcript into (typed line, reply lines)."""
    turns: list[tuple[str, list[str]]] = []
    for text in shown:
        if text.startswith(PROMPT):
            turns.append((text[len(PROMPT) :], []))
        elif turns:
            turns[-1][1].append(text)
    return turns


def _argv(command: str) -> tuple[dict[str, str], list[str]]:
    """(environment assignments, reportbot arguments) of a documented command line."""
    words = shlex.split(command)
    env: dict[str, str] = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if tuple(words[: len(PROGRAM)]) != PROGRAM:
        raise ValueError(
            f"only `uv run reportbot …` commands can be checked, not `{command}`; "
            "show other commands in a ```sh block"
        )
    rest = words[len(PROGRAM) :]
    if any(word in {"|", ">", "<", "&&", ";"} for word in rest):
        raise ValueError(f"`{command}`: shell operators cannot be checked")
    return env, rest


def run_example(example: Example) -> list[str]:
    """The lines a terminal would show for the example, run in this process."""
    env, argv = _argv(example.command)
    if example.is_console:
        return _run_console(example, env)
    out = io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(out),
        _terminal_width(),
        contextlib.suppress(SystemExit),  # --help and --version exit, as they should
    ):
        reportbot_main(argv, env=env)
    return _trimmed(out.getvalue().split("\n"))


def _run_console(example: Example, env: dict[str, str]) -> list[str]:
    """A console session as a person at a terminal sees it: help, prompts, replies."""
    settings = Settings.from_env(env)

    async def session() -> list[str]:
        lines = HELP.split("\n")
        async with await Library.open(
            settings.db_path, read_only=settings.read_only, semantic=settings.semantic
        ) as library:
            for typed, _ in example.inputs:
                lines.append(PROMPT + typed)
                if typed.strip().lower() in QUIT_WORDS:
                    break
                output = await run_line(library, settings, typed.strip())
                if output:
                    lines += [*output.split("\n"), ""]
        return _trimmed(lines)

    return asyncio.run(session())


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


@contextlib.contextmanager
def _terminal_width() -> Iterator[None]:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = TERMINAL_COLUMNS
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


def _masked(lines: Sequence[str]) -> list[str]:
    masked = []
    for text in lines:
        for pattern, replacement in VOLATILE:
            text = pattern.sub(replacement, text)
        masked.append(text.rstrip())
    return masked


@dataclass
class Outcome:
    example: Example
    actual: list[str]

    @property
    def drifted(self) -> bool:
        return _masked(self.example.shown) != _masked(self.actual)

    def diff(self) -> str:
        page = self.example.page
        name = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
        where = f"{name}:{self.example.line}"
        return "\n".join(
            difflib.unified_diff(
                self.example.shown,
                self.actual,
                f"{where} (the page)",
                f"{where} (the program)",
                lineterm="",
            )
        )


def build_database(directory: Path) -> Path:
    """The bundled corpus in a fresh database, built once per run."""
    path = directory / "docs.sqlite3"

    async def build() -> None:
        async with await Library.open(path):
            pass

    asyncio.run(build())
    return path


def run_pages(paths: Sequence[Path]) -> list[Outcome]:
    """Run every example of every page; each page starts from the bundled corpus."""
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="reportbot-docs-") as scratch:
        template = build_database(Path(scratch))
        for page in paths:
            # A checkout as a newcomer has it: ./reportbot.sqlite3 (the default path, so
            # messages name it as the page does) next to the repository's files.
            here = Path(scratch) / page.stem
            here.mkdir()
            shutil.copyfile(template, here / DB_NAME)
            for shared in EXAMPLE_DIRS:
                (here / shared).symlink_to(ROOT / shared, target_is_directory=True)
            examples = examples_in(page)
            cwd = Path.cwd()
            os.chdir(here)
            try:
                outcomes += [Outcome(e, run_example(e)) for e in examples]
            finally:
                os.chdir(cwd)
    return outcomes


def check(paths: Sequence[Path]) -> list[str]:
    """A diff per drifted example; empty when every page tells the truth."""
    return [outcome.diff() for outcome in run_pages(paths) if outcome.drifted]


def update(paths: Sequence[Path]) -> int:
    """Rewrite drifted outputs in place; returns how many examples changed."""
    outcomes = [o for o in run_pages(paths) if o.drifted]
    for page in {o.example.page for o in outcomes}:
        lines = page.read_text(encoding="utf-8").split("\n")
        # Bottom-up, so earlier line numbers stay valid.
        for outcome in sorted(
            (o for o in outcomes if o.example.page == page), key=lambda o: -o.example.line
        ):
            start = outcome.example.line  # index of the first output line
            lines[start : start + len(outcome.example.shown)] = outcome.actual
        page.write_text("\n".join(lines), encoding="utf-8")
    return len(outcomes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail when a page's output drifted")
    mode.add_argument("--update", action="store_true", help="rewrite the pages' outputs")
    parser.add_argument("pages", nargs="*", type=Path, help="default: README.md and docs/*.md")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.pages] or pages()
    try:
        if args.update:
            print(f"updated {update(paths)} example(s)")
            return 0
        problems = check(paths)
    except ValueError as error:
        print(f"docs.py: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem + "\n")
    count = sum(len(examples_in(p)) for p in paths)
    print(f"{len(problems)} of {count} documented example(s) differ from the program's output")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
