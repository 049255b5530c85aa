"""Help text conventions shared by the subcommand modules: a one-line summary and examples."""

from __future__ import annotations

import argparse

EXAMPLES_HEADING = "examples:"


def examples(*lines: str) -> str:
    """An --help epilog listing example invocations, one per line, as a user types them."""
    return EXAMPLES_HEADING + "\n" + "\n".join(f"  reportbot {line}" for line in lines)


class HelpFormatter(argparse.HelpFormatter):
    """Wrap descriptions to the terminal as usual, but keep an examples epilog line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(EXAMPLES_HEADING):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)
