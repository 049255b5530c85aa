"""Errors whose message is fit to show a user; the edges (CLI, Discord) translate them once."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `str(error)` is the whole message shown to them."""


class ParseError(UserError):
    """The text is not a report we can cite faithfully; says where and why."""

    def __init__(
        self,
        problem: str,
        *,
        line: int | None = None,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.line = line
        self.source = source
        where = f" at line {line}" if line is not None else ""
        prefix = f"{source}: " if source else ""
        advice = f"; {hint}" if hint else ""  # what the user can do about it
        super().__init__(f"{prefix}{problem}{where}{advice}")


class MetadataConflict(UserError):
    """Two sources disagree about a report's metadata; the message names both values."""
