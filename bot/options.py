"""What a user may ask for, checked the same way on every surface (Discord, console, CLI).

Discord enforces `app_commands.Range` in its own client, so the bot never sees a bad value
there; the console and the command line see raw text, and refuse it with these messages instead
of clamping it to something the user did not ask for.
"""

from __future__ import annotations

from corpus.citation import parse_paragraph_range
from corpus.errors import UserError

MAX_CITE_PARAGRAPHS = 10  # paragraphs per /cite (and `reportbot cite`); the buttons walk further
MAX_RESULTS = 10  # Discord's /ask `results` range is 1..MAX_RESULTS


def parse_span(typed: str) -> tuple[int, int]:
    """Read "13" or "12-14" as an inclusive range, at most MAX_CITE_PARAGRAPHS long."""
    first, last = parse_paragraph_range(typed)
    if last - first + 1 > MAX_CITE_PARAGRAPHS:
        raise UserError(
            f"Ask for at most {MAX_CITE_PARAGRAPHS} paragraphs at a time "
            f"(e.g. {first}-{first + MAX_CITE_PARAGRAPHS - 1})."
        )
    return first, last


def check_results(value: int, maximum: int) -> int:
    """A results count within 1..maximum, or a UserError saying the range."""
    if not 1 <= value <= maximum:
        raise UserError(f"results must be a whole number from 1 to {maximum}; you gave {value}.")
    return value


def parse_results(typed: str, maximum: int) -> int:
    """Read a typed results count ("5"); "abc", "1.5", "0" and "50" are refused, not clamped."""
    text = typed.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise UserError(f"results must be a whole number from 1 to {maximum}; you gave “{typed}”.")
    return check_results(int(text), maximum)
