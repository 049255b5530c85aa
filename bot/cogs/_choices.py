"""Pure: autocomplete choices within Discord's limits (25 choices, names of 1-100 characters).

Neither discord.py nor SimCord enforces these limits; Discord rejects the whole response.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import discord_limits as limits
from bot.quoting import clip
from bot.replies import format_date
from corpus.model import Paragraph
from retrieval.answer import ReportSummary


def _squash(text: str) -> str:
    return "".join(text.lower().split())


def report_choices(reports: Sequence[ReportSummary], typed: str) -> list[tuple[str, str]]:
    """(name, value) pairs for reports whose symbol, year or title contains what was typed."""
    needle = _squash(typed)
    chosen = []
    for r in reports:
        symbol = r.meta.symbol
        haystack = _squash(f"{symbol} {r.meta.title} {format_date(r.meta.date)}")
        if needle in haystack:
            name = f"{symbol} · {format_date(r.meta.date)}"
            if r.meta.title:
                name += f" · {r.meta.title}"
            chosen.append((_name(name), symbol[: limits.CHOICE_VALUE_CHARS]))
    starts = [c for c in chosen if _squash(c[1]).startswith(needle)]
    rest = [c for c in chosen if c not in starts]
    return (starts + rest)[: limits.AUTOCOMPLETE_CHOICES]


def paragraph_choices(paragraphs: Sequence[Paragraph], typed: str) -> list[tuple[str, str]]:
    """(name, value) pairs like ("13 — The ability of ISIL to…", "13"): numbers, then words."""
    needle = typed.strip().lower()
    if not needle or needle[0].isdigit():
        digits = needle.split("-")[0].strip()
        hits = [p for p in paragraphs if str(p.number).startswith(digits)]
    else:
        hits = [p for p in paragraphs if needle in p.text.lower()]
    return [
        (_name(f"{p.number} — {' '.join(p.text.split())}"), str(p.number))
        for p in hits[: limits.AUTOCOMPLETE_CHOICES]
    ]


def _name(text: str) -> str:
    return clip(text.strip(), limits.CHOICE_NAME_CHARS) or "?"
