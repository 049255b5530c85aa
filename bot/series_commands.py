"""The series commands once, for every surface: the cog, `reportbot timeline|trend|whatsnew`
and the console call these, so the terminal shows what the bot posts."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.charts import draw_trend
from bot.link_replies import with_links
from bot.replies import Reply
from bot.series_replies import (
    Page,
    render_timeline,
    render_trend,
    render_whatsnew,
    trend_alt_text,
)
from bot.settings import Settings
from corpus.errors import UserError
from retrieval.library import Library
from retrieval.trend import Trend, split_terms

CHART_FILENAME = "trend.png"
MAX_CHART_BYTES = 8 * 1024 * 1024  # below Discord's smallest upload limit for bots


@dataclass(frozen=True)
class TrendAnswer:
    """The reply, the chart as PNG bytes, and the chart's alt text."""

    trend: Trend
    reply: Reply
    png: bytes
    alt_text: str


def terms_from_words(words: list[str]) -> str:
    """Shell words (quotes already removed) -> the comma-separated form /trend takes."""
    if any("," in w or ";" in w for w in words):
        return " ".join(words)
    return ", ".join(words)


async def console_trend(library: Library, words: list[str]) -> list[Reply]:
    """The console's /trend: the reply, with the chart written to a temporary file."""
    answer = await trend_answer(library, terms_from_words(words))
    handle, name = tempfile.mkstemp(prefix="reportbot-trend-", suffix=".png")
    with os.fdopen(handle, "wb") as out:
        out.write(answer.png)
    return [render_trend(answer.trend, image=name)]


async def timeline_page(
    library: Library, question: str, *, link_base_url: str, per_page: int, offset: int = 0
) -> Page:
    timeline = await library.timeline(question, first=offset, count=per_page)
    return render_timeline(timeline, link_base_url=link_base_url, offset=offset, per_page=per_page)


async def timeline_pages(
    library: Library, question: str, *, link_base_url: str, per_page: int
) -> list[Reply]:
    """Every page, as pressing "More results" would show them."""
    pages, offset = [], 0
    while True:
        page = await timeline_page(
            library, question, link_base_url=link_base_url, per_page=per_page, offset=offset
        )
        pages.append(page.reply)
        offset += page.consumed
        if not page.reply.has_more or page.consumed == 0:
            return pages


async def trend_answer(
    library: Library, typed_terms: str, *, image: str | None = None
) -> TrendAnswer:
    """Count, then draw off the event loop (matplotlib is CPU work)."""
    trend = await library.trend(split_terms(typed_terms))
    png = await asyncio.to_thread(draw_trend, trend)
    if len(png) > MAX_CHART_BYTES:  # cannot happen at a fixed 800 x 420 px; guard the promise
        raise ValueError(f"chart of {len(png)} bytes")
    return TrendAnswer(trend, render_trend(trend, image=image), png, trend_alt_text(trend))


async def whatsnew_page(
    library: Library, report: str, *, link_base_url: str, offset: int = 0
) -> Page:
    news = await library.whatsnew(report)
    return render_whatsnew(news, link_base_url=link_base_url, offset=offset)


async def whatsnew_pages(library: Library, report: str, *, link_base_url: str) -> list[Reply]:
    news = await library.whatsnew(report)
    pages, offset = [], 0
    while True:
        page = render_whatsnew(news, link_base_url=link_base_url, offset=offset)
        pages.append(page.reply)
        offset += page.consumed
        if not page.reply.has_more or page.consumed == 0:
            return pages


# ---------------------------------------------------------------- the console's commands


async def cite_with_links(
    library: Library, pages: list[Reply], symbol: str, span: tuple[int, int], settings: Settings
) -> list[Reply]:
    """/cite's first page with its references and "Cited by", as the bot sends it."""
    links = await library.paragraph_links(symbol, range(span[0], span[1] + 1))
    first = with_links(pages[0], links, link_base_url=settings.link_base_url)
    return [first, *pages[1:]]


async def _console_timeline(library: Library, settings: Settings, words: list[str]) -> list[Reply]:
    if not words:
        raise UserError("Usage: /timeline <question>, e.g. /timeline oil revenue")
    return await timeline_pages(
        library, " ".join(words), link_base_url=settings.link_base_url, per_page=10
    )


async def _console_trend(library: Library, _: Settings, words: list[str]) -> list[Reply]:
    if not words:
        raise UserError("Usage: /trend <terms>, e.g. /trend ISIL, drones, oil revenue")
    return await console_trend(library, words)


async def _console_whatsnew(library: Library, settings: Settings, words: list[str]) -> list[Reply]:
    if not words:
        raise UserError("Usage: /whatsnew <report>, e.g. /whatsnew latest")
    return await whatsnew_pages(library, " ".join(words), link_base_url=settings.link_base_url)


SERIES_COMMANDS: dict[str, Callable[[Library, Settings, list[str]], Awaitable[list[Reply]]]] = {
    "/timeline": _console_timeline,
    "/trend": _console_trend,
    "/whatsnew": _console_whatsnew,
}
