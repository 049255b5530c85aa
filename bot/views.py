"""Buttons and selects under answers and citations: paging, full paragraphs, previous/next.

Every component has a stable custom ID, "reportbot:<kind>:<nonce>". While its view lives, the
view answers. After a restart (or once the view has timed out) the registered fallbacks answer
instead, so a press never ends in Discord's "This interaction failed": a paragraph select still
shows its paragraph (the value carries report and number), the other buttons say privately that
the result expired.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot import discord_limits as limits
from bot.quoting import clip
from bot.replies import EmbedSpec, ParagraphRef, Reply, render_paragraphs
from bot.tree import reply_privately, report_error
from corpus.errors import UserError
from retrieval.library import Library

log = logging.getLogger("reportbot.bot")

# Interaction tokens die after 15 minutes; a view that edits through one must time out before.
VIEW_TIMEOUT_S = 10 * 60
ONLY_THE_ASKER = "Only the person who asked can page this; run the command yourself to explore."
EXPIRED = (
    "This result has expired (the bot restarted, or it is more than 10 minutes old). "
    "Ask again to page through it."
)
CUSTOM_ID_PREFIX = "reportbot"
# Views whose components this process still answers, by nonce (weak: a finished view goes).
_LIVE: weakref.WeakValueDictionary[str, OwnedView] = weakref.WeakValueDictionary()
EMBED_COLOUR = discord.Colour.from_rgb(0, 158, 219)  # UN blue


def to_embed(spec: EmbedSpec) -> discord.Embed:
    embed = discord.Embed(
        title=spec.title or None,
        url=spec.url,
        description=spec.description or None,
        colour=EMBED_COLOUR,
    )
    for f in spec.fields:
        embed.add_field(name=f.name, value=f.value, inline=f.inline)
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


def message_kwargs(reply: Reply, view: discord.ui.View | None = None) -> dict[str, Any]:
    """Keyword arguments for send/edit: content, embeds, no pings, and the view if any."""
    kwargs: dict[str, Any] = {
        "content": reply.content or None,
        "embeds": [to_embed(e) for e in reply.embeds],
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if view is not None:
        kwargs["view"] = view
    return kwargs


def edit_kwargs(reply: Reply, view: discord.ui.View) -> dict[str, Any]:
    kwargs = message_kwargs(reply, view)
    kwargs.pop("allowed_mentions")
    return kwargs


class OwnedView(discord.ui.View):
    """A view only its owner may drive; it disables itself before the token can expire."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_S)
        self.owner_id = owner_id
        self.message: discord.Message | None = None  # set for plain (mention) replies
        self.client: discord.Client | None = None  # the bot answering for this view
        self._interaction: discord.Interaction | None = None  # newest token that can edit
        self.nonce = secrets.token_hex(8)
        _LIVE[self.nonce] = self

    def custom_id(self, kind: str) -> str:
        """The stable custom ID of this view's `kind` component (see the module docstring)."""
        return f"{CUSTOM_ID_PREFIX}:{kind}:{self.nonce}"

    def attach(self, interaction: discord.Interaction) -> None:
        """Remember the newest interaction, whose token can still edit the message."""
        self._interaction = interaction
        self.client = interaction.client

    async def refuse_stranger(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return False
        await reply_privately(interaction, ONLY_THE_ASKER)
        return True

    async def on_timeout(self) -> None:
        _LIVE.pop(self.nonce, None)
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        try:
            if self._interaction is not None:
                await self._interaction.edit_original_response(view=self)
            elif self.message is not None:
                await self.message.edit(view=self)
        except discord.HTTPException:  # deleted message or expired token: nothing left to disable
            log.debug("could not disable an expired view", exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error, name=f"{type(self).__name__}.{item.type.name}")


class ParagraphSelect(discord.ui.Select["AnswerView"]):
    """Show one quoted paragraph in full, privately, with its footnotes."""

    def __init__(self, shown: tuple[ParagraphRef, ...], show: ShowFn, custom_id: str) -> None:
        options = [
            discord.SelectOption(
                label=clip(ref.citation, limits.SELECT_LABEL_CHARS),
                value=f"{ref.report}|{ref.number}",
                description=ref.preview or None,  # select text is plain: no Markdown to escape
            )
            for ref in shown
        ]
        unique = list({o.value: o for o in options}.values())[: limits.SELECT_OPTIONS]
        super().__init__(
            placeholder="Show full paragraph", options=unique, row=1, custom_id=custom_id
        )
        self._show = show

    async def callback(self, interaction: discord.Interaction) -> None:
        report, _, number = self.values[0].rpartition("|")
        await self._show(interaction, ParagraphRef(report, int(number)))


ShowFn = Callable[[discord.Interaction, ParagraphRef], Awaitable[None]]
PageFn = Callable[[int], Awaitable[Reply]]


async def show_paragraph(
    interaction: discord.Interaction, library: Library, ref: ParagraphRef, link_base_url: str
) -> None:
    """Answer privately with a whole paragraph (continued over several messages if need be)."""
    paragraphs = await library.cite(ref.report, ref.number)
    date = await report_date(library, ref.report)
    pages = render_paragraphs(paragraphs, link_base_url=link_base_url, date=date)
    kwargs = message_kwargs(pages[0])
    await interaction.response.send_message(ephemeral=True, **kwargs)
    for page in pages[1:]:
        await interaction.followup.send(ephemeral=True, **message_kwargs(page))


async def report_date(library: Library, symbol: str) -> dt.date | None:
    return next((r.meta.date for r in await library.reports() if r.meta.symbol == symbol), None)


class AnswerView(OwnedView):
    """Under an answer: "More results" pages in place (asker only); a select shows a paragraph."""

    def __init__(self, owner_id: int, reply: Reply, next_page: PageFn, show: ShowFn) -> None:
        super().__init__(owner_id)
        self.more.custom_id = self.custom_id("more")
        self._offset = len(reply.shown)
        self._next_page = next_page
        self._show = show
        self._show_reply(reply)

    def _show_reply(self, reply: Reply) -> None:
        self.more.disabled = not reply.has_more
        for item in [c for c in self.children if isinstance(c, ParagraphSelect)]:
            self.remove_item(item)
        if reply.shown:
            self.add_item(ParagraphSelect(reply.shown, self._show, self.custom_id("para")))

    @discord.ui.button(label="More results", style=discord.ButtonStyle.primary, row=0)
    async def more(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        if await self.refuse_stranger(interaction):
            return
        reply = await self._next_page(self._offset)
        self._offset += len(reply.shown)
        self._show_reply(reply)
        self.attach(interaction)
        await interaction.response.edit_message(**edit_kwargs(reply, self))


class CiteView(OwnedView):
    """Under a citation: "◀ previous" / "next ▶" walk pages, then neighbouring paragraphs."""

    def __init__(
        self, owner_id: int, library: Library, report: str, span: tuple[int, int], base: str
    ) -> None:
        super().__init__(owner_id)
        self.previous.custom_id = self.custom_id("previous")
        self.next.custom_id = self.custom_id("next")
        self._library, self._report, self._base = library, report, base
        self._first, self._last = span
        self._pages: list[Reply] = []
        self._page = 0

    async def load(self, first: int, last: int, *, from_end: bool = False) -> Reply:
        """Fetch paragraphs first..last (UnknownParagraph past either end) and show a page."""
        paragraphs = await self._library.cite(self._report, first, last)
        date = await report_date(self._library, self._report)
        self._pages = render_paragraphs(paragraphs, link_base_url=self._base, date=date)
        self._first, self._last = first, last
        self._page = len(self._pages) - 1 if from_end else 0
        self.previous.disabled = first <= 1 and self._page == 0
        self.next.disabled = False
        return self._pages[self._page]

    def _turn(self, step: int) -> Reply | None:
        page = self._page + step
        if not 0 <= page < len(self._pages):
            return None
        self._page = page
        self.previous.disabled = self._first <= 1 and page == 0
        return self._pages[page]

    async def _go(self, interaction: discord.Interaction, step: int) -> None:
        if await self.refuse_stranger(interaction):
            return
        reply = self._turn(step)
        if reply is None:
            target = self._last + 1 if step > 0 else self._first - 1
            try:
                reply = await self.load(target, target, from_end=step < 0)
            except UserError:
                button = self.next if step > 0 else self.previous
                button.disabled = True
                self.attach(interaction)
                await interaction.response.edit_message(view=self)
                return
        self.attach(interaction)
        await interaction.response.edit_message(**edit_kwargs(reply, self))

    @discord.ui.button(label="◀ previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._go(interaction, -1)

    @discord.ui.button(label="next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._go(interaction, +1)


# ---------------------------------------------------------------- after a restart


def is_live(interaction: discord.Interaction, nonce: str) -> bool:
    """Whether a view of this bot still answers for components carrying `nonce`."""
    view = _LIVE.get(nonce)
    return view is not None and not view.is_finished() and view.client is interaction.client


class ExpiredButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{CUSTOM_ID_PREFIX}:(?P<kind>more|previous|next):(?P<nonce>[0-9a-f]+)",
):
    """A paging button whose view is gone: say privately that the result expired."""

    def __init__(self, item: discord.ui.Button[Any], nonce: str) -> None:
        super().__init__(item)
        self.nonce = nonce

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ExpiredButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match["nonce"])

    async def callback(self, interaction: discord.Interaction) -> None:
        if not is_live(interaction, self.nonce):
            await reply_privately(interaction, EXPIRED)


class LastingParagraphSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"{CUSTOM_ID_PREFIX}:para:(?P<nonce>[0-9a-f]+)",
):
    """A "Show full paragraph" select whose view is gone: its value still names the paragraph."""

    def __init__(self, item: discord.ui.Select[Any], nonce: str) -> None:
        super().__init__(item)
        self.nonce = nonce

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LastingParagraphSelect:
        assert isinstance(item, discord.ui.Select)
        return cls(item, match["nonce"])

    async def callback(self, interaction: discord.Interaction) -> None:
        if is_live(interaction, self.nonce):
            return
        try:
            report, _, number = self.item.values[0].rpartition("|")
            bot = interaction.client
            await show_paragraph(
                interaction,
                bot.library,  # type: ignore[attr-defined]
                ParagraphRef(report, int(number)),
                bot.settings.link_base_url,  # type: ignore[attr-defined]
            )
        except Exception as error:
            await report_error(interaction, error, name="LastingParagraphSelect.select")


LASTING_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ExpiredButton,
    LastingParagraphSelect,
)
