"""/ask, the "Find in reports" message menu, and @mention questions: quoted, cited answers."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._shared import AnswerLine, answer_in_line, report_autocomplete, send_public
from bot.cooldowns import CooldownBook
from bot.options import check_results
from bot.replies import ParagraphRef, Reply, render_answer
from bot.series_views import LinkButton, show_paragraph_with_links
from bot.tree import HITS, describe_error
from bot.views import LASTING_ITEMS, AnswerView, message_kwargs
from corpus.errors import UserError

if TYPE_CHECKING:
    from bot.client import ReportBot

log = logging.getLogger("reportbot.bot")
command_log = logging.getLogger("reportbot.commands")

QUESTION_CHARS = 300
MENTION_HELP = "Ask me a question after the mention, e.g. “@reportbot oil revenue”."
NO_TEXT = "That message has no text to search for."
_MENTION = re.compile(r"<@!?(\d+)>")


class Ask(commands.Cog):
    """Questions in, quoted excerpts with citations out; one cooldown across all three ways."""

    def __init__(self, bot: ReportBot) -> None:
        self.bot = bot
        # Per cog instance (so per bot): discord.py's decorator keeps its buckets module-global.
        settings = bot.settings
        self._cooldowns = CooldownBook(settings.ask_cooldown_rate, settings.ask_cooldown_s)
        self.line = AnswerLine()  # per bot: a burst of questions waits here, acknowledged
        self.find_menu = app_commands.ContextMenu(
            name="Find in reports", callback=self.find_in_reports
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.find_menu)
        # Buttons under answers sent before a restart still get an answer (bot/views.py).
        self.bot.add_dynamic_items(*LASTING_ITEMS, LinkButton)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.find_menu.name, type=self.find_menu.type)
        self.bot.remove_dynamic_items(*LASTING_ITEMS, LinkButton)

    def spend_cooldown(self, user_id: int, when: dt.datetime) -> None:
        """Take one /ask token from the user; CommandOnCooldown when they have none left."""
        self._cooldowns.spend(user_id, when.timestamp())

    async def answer_page(
        self, question: str, report: str | None, results: int, offset: int = 0
    ) -> Reply:
        """Ask the library for hits up to this page and render the page."""
        library = self.bot.library
        symbol = await library.resolve_report(report) if report else None
        answer = await library.ask(question, k=offset + results, report=symbol)
        return render_answer(answer, link_base_url=self.bot.settings.link_base_url, offset=offset)

    def make_view(
        self, owner_id: int, question: str, report: str | None, results: int, reply: Reply
    ) -> AnswerView:
        async def next_page(offset: int) -> Reply:
            return await self.answer_page(question, report, results, offset)

        async def show(interaction: discord.Interaction, ref: ParagraphRef) -> None:
            await show_paragraph_with_links(  # references and "Cited by" as buttons
                interaction, self.bot.library, ref, self.bot.settings.link_base_url
            )

        return AnswerView(owner_id, reply, next_page, show)

    def results_or_default(self, results: int | None) -> int:
        """The user's choice within REPORTBOT_MAX_RESULTS (refused above it, never clamped)."""
        settings = self.bot.settings
        if results is None:
            return settings.default_results
        return check_results(results, settings.max_results)

    async def respond(
        self, interaction: discord.Interaction, question: str, report: str | None, results: int
    ) -> None:
        """Answer directly when retrieval is quick (errors stay private), else defer first."""
        self.spend_cooldown(interaction.user.id, interaction.created_at)
        reply = await answer_in_line(
            interaction, self.line, lambda: self.answer_page(question, report, results)
        )
        interaction.extras[HITS] = len(reply.shown)
        view = self.make_view(interaction.user.id, question, report, results, reply)
        view.attach(interaction)
        await send_public(interaction, **message_kwargs(reply, view))

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="What you want to know, in a few words",
        report="Only search this report (e.g. S/2018/80)",
        results="How many quotes to show (1-10)",
    )
    @app_commands.autocomplete(report=report_autocomplete)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_CHARS],
        report: str | None = None,
        results: app_commands.Range[int, 1, 10] | None = None,
    ) -> None:
        """Answer a question with exact quotes from the reports and their paragraph numbers."""
        await self.respond(interaction, question, report, self.results_or_default(results))

    async def find_in_reports(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Ask with the text of the message that was clicked."""
        question = " ".join(message.content.split())
        if not question:
            raise UserError(NO_TEXT)
        question = _clip_words(question, QUESTION_CHARS)
        await self.respond(interaction, question, None, self.results_or_default(None))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer "@reportbot <question>" as a reply; prefix commands (sync) are left alone."""
        me = self.bot.user
        if me is None or message.author.bot or me.id not in message.raw_mentions:
            return
        if (await self.bot.get_context(message)).valid:
            return
        started = time.perf_counter()
        outcome, hits = "ok", 0
        try:
            hits = await self._answer_mention(message)
        except Exception as error:
            text, outcome = describe_error(error)
            if outcome == "error":
                log.error("mention reply failed", exc_info=error)
            try:
                await message.reply(text, allowed_mentions=discord.AllowedMentions.none())
            except discord.HTTPException:  # e.g. no Send Messages here: nothing more to do
                log.warning("could not reply to a mention in channel %s", message.channel.id)
        command_log.info(
            "command=mention latency_ms=%.0f hits=%s outcome=%s",
            (time.perf_counter() - started) * 1000,
            hits,
            outcome,
        )

    async def _answer_mention(self, message: discord.Message) -> int:
        question = _clip_words(" ".join(_MENTION.sub(" ", message.content).split()), QUESTION_CHARS)
        if not question:
            raise UserError(MENTION_HELP)
        self.spend_cooldown(message.author.id, message.created_at)
        results = self.results_or_default(None)
        async with message.channel.typing(), self.line.place(), self.line.slot():
            reply = await self.answer_page(question, None, results)
        view = self.make_view(message.author.id, question, None, results, reply)
        view.client = self.bot
        view.message = await message.reply(**message_kwargs(reply, view))
        return len(reply.shown)


def _clip_words(text: str, limit: int) -> str:
    """Keep whole words up to `limit` characters (a long message becomes a shorter question)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]
