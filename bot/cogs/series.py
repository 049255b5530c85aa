"""/timeline, /trend and /whatsnew: the reports read as a series."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._shared import report_autocomplete, send_public, within_deadline
from bot.series_commands import CHART_FILENAME, timeline_page, trend_answer, whatsnew_page
from bot.series_replies import Page
from bot.series_views import PageFn, SeriesPageView, paragraph_shower
from bot.tree import HITS
from bot.views import message_kwargs

if TYPE_CHECKING:
    from bot.client import ReportBot

QUESTION_CHARS = 300
TERMS_CHARS = 200
DEFAULT_REPORTS_PER_PAGE = 10


class Series(commands.Cog):
    """How the reports' assessment moved: per-report answers, term trends, new paragraphs."""

    def __init__(self, bot: ReportBot) -> None:
        self.bot = bot

    @property
    def _base(self) -> str:
        return self.bot.settings.link_base_url

    async def _send_paged(
        self, interaction: discord.Interaction, page: Page, next_page: PageFn
    ) -> None:
        show = paragraph_shower(self.bot.library, self._base)
        view = SeriesPageView(interaction.user.id, page, next_page, show)
        view.attach(interaction)
        interaction.extras[HITS] = len(page.reply.shown)
        await send_public(interaction, **message_kwargs(page.reply, view))

    @app_commands.command(name="timeline")
    @app_commands.describe(
        question="A topic, e.g. oil revenue or foreign terrorist fighters",
        results="Reports per page (1-10)",
    )
    async def timeline(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_CHARS],
        results: app_commands.Range[int, 1, 10] | None = None,
    ) -> None:
        """The best answering paragraph of each report, oldest to newest; silent reports named."""
        per_page = results or DEFAULT_REPORTS_PER_PAGE

        async def page_at(offset: int) -> Page:
            return await timeline_page(
                self.bot.library,
                question,
                link_base_url=self._base,
                per_page=per_page,
                offset=offset,
            )

        page = await within_deadline(interaction, page_at(0))
        await self._send_paged(interaction, page, page_at)

    @app_commands.command(name="trend")
    @app_commands.describe(
        terms='Up to five terms, comma-separated: ISIL, drones, "oil revenue"',
    )
    async def trend(
        self, interaction: discord.Interaction, terms: app_commands.Range[str, 1, TERMS_CHARS]
    ) -> None:
        """How often terms appear in each report, per 10,000 words, as a chart and a table."""
        answer = await within_deadline(interaction, trend_answer(self.bot.library, terms))
        kwargs = message_kwargs(answer.reply)
        kwargs["embeds"][0].set_image(url=f"attachment://{CHART_FILENAME}")
        kwargs["file"] = discord.File(
            io.BytesIO(answer.png), filename=CHART_FILENAME, description=answer.alt_text
        )
        interaction.extras[HITS] = sum(sum(r.counts) for r in answer.trend.rows)
        await send_public(interaction, **kwargs)

    @app_commands.command(name="whatsnew")
    @app_commands.describe(report="A report symbol, or words: latest, previous, sixth report")
    @app_commands.autocomplete(report=report_autocomplete)
    async def whatsnew(
        self, interaction: discord.Interaction, report: app_commands.Range[str, 1, 100]
    ) -> None:
        """The paragraphs of a report with no close counterpart in the report before it."""

        async def page_at(offset: int) -> Page:
            return await whatsnew_page(
                self.bot.library, report, link_base_url=self._base, offset=offset
            )

        page = await within_deadline(interaction, page_at(0))
        await self._send_paged(interaction, page, page_at)
