"""Lookup errors raised by the library; messages say what does exist."""

from __future__ import annotations

from corpus.errors import UserError


class UnknownReport(UserError):
    """No report with that symbol; the message lists the known ones and the closest match."""


class UnknownParagraph(UserError):
    """The report exists but has no such paragraph; the message gives its range."""
