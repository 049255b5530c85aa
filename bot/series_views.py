"""Buttons of the series view: paging a timeline or a digest, and references that open paragraphs.

A reference button opens the cited paragraph privately, with its own references and "Cited by"
as buttons in turn, so a reader can walk the series by its citations.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot import discord_limits as limits
from bot.link_replies import link_targets, links_reply, with_links
from bot.replies import ParagraphRef, Reply, render_paragraphs
from bot.series_replies import Page
from bot.tree import report_error
from bot.views import (
    CUSTOM_ID_PREFIX,
    VIEW_TIMEOUT_S,
    OwnedView,
    ParagraphSelect,
    edit_kwargs,
    message_kwargs,
    report_date,
)
from retrieval.library import Library

MAX_LINK_BUTTONS = 10  # two rows of five; a paragraph rarely cites more held paragraphs

PageFn = Callable[[int], Awaitable[Page]]
ShowFn = Callable[[discord.Interaction, ParagraphRef], Awaitable[None]]


class LinkButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{CUSTOM_ID_PREFIX}:ref:(?P<number>\d+):(?P<report>.+)",
):
    """Open one referenced (or citing) paragraph privately; anyone may press it.

    Its custom ID carries the paragraph, so it works after a restart too (registered with the
    bot's other lasting components in the ask cog).
    """

    def __init__(self, label: str, ref: ParagraphRef, row: int | None = None) -> None:
        custom_id = f"{CUSTOM_ID_PREFIX}:ref:{ref.number}:{ref.report}"
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=discord.ButtonStyle.secondary, row=row, custom_id=custom_id
        )
        super().__init__(button)
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LinkButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item.label or "", ParagraphRef(match["report"], int(match["number"])))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = interaction.client
        try:
            await show_paragraph_with_links(
                interaction,
                bot.library,  # type: ignore[attr-defined]
                self.ref,
                bot.settings.link_base_url,  # type: ignore[attr-defined]
            )
        except Exception as error:
            await report_error(interaction, error, name="LinkButton")


class LinksView(discord.ui.View):
    """Reference buttons under a privately shown paragraph; errors are answered, not lost."""

    def __init__(self) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_S)  # ephemeral: nothing to disable afterwards

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error, name=f"LinksView.{item.type.name}")


def add_link_buttons(
    view: discord.ui.View, targets: Sequence[tuple[str, ParagraphRef]], first_row: int
) -> int:
    """Add a button per target on rows first_row.. (five a row); returns how many were added."""
    room = min(MAX_LINK_BUTTONS, (5 - first_row) * 5)
    for i, (label, ref) in enumerate(targets[:room]):
        view.add_item(LinkButton(label, ref, first_row + i // 5))
    return min(len(targets), room)


def paragraph_shower(library: Library, link_base_url: str) -> ShowFn:
    """The callback that shows a paragraph with its reference buttons (for selects and buttons)."""

    async def show(interaction: discord.Interaction, ref: ParagraphRef) -> None:
        await show_paragraph_with_links(interaction, library, ref, link_base_url)

    return show


async def show_paragraph_with_links(
    interaction: discord.Interaction, library: Library, ref: ParagraphRef, link_base_url: str
) -> None:
    """Answer privately with a whole paragraph, its references and "Cited by" as buttons."""
    paragraphs = await library.cite(ref.report, ref.number)
    date = await report_date(library, ref.report)
    pages = render_paragraphs(paragraphs, link_base_url=link_base_url, date=date)
    links = await library.paragraph_links(ref.report, [ref.number])
    pages = [with_links(page, links, link_base_url=link_base_url) for page in pages]
    first, rest = pages[0], list(pages[1:])
    alone = links_reply(links, link_base_url=link_base_url)
    if alone is not None and not any(e.fields for page in pages for e in page.embeds):
        rest.append(alone)  # no room beside the text: a message of their own
    view = LinksView()
    add_link_buttons(view, link_targets(links), 0)
    kwargs = message_kwargs(first, view if view.children else None)
    await interaction.response.send_message(ephemeral=True, **kwargs)
    for page in rest:
        await interaction.followup.send(ephemeral=True, **message_kwargs(page))


class SeriesPageView(OwnedView):
    """Under a timeline or a what's-new digest: "More results" pages in place (asker only)."""

    def __init__(self, owner_id: int, page: Page, next_page: PageFn, show: ShowFn) -> None:
        super().__init__(owner_id)
        self._offset = page.consumed
        self._next_page = next_page
        self._show = show
        self.more.custom_id = self.custom_id("more")  # after a restart: "this result expired"
        self._show_reply(page.reply)

    def _show_reply(self, reply: Reply) -> None:
        self.more.disabled = not reply.has_more
        for item in [c for c in self.children if isinstance(c, ParagraphSelect)]:
            self.remove_item(item)
        if reply.shown:
            shown = reply.shown[: limits.SELECT_OPTIONS]
            self.add_item(ParagraphSelect(shown, self._show, self.custom_id("para")))

    @discord.ui.button(label="More results", style=discord.ButtonStyle.primary, row=0)
    async def more(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        if await self.refuse_stranger(interaction):
            return
        page = await self._next_page(self._offset)
        self._offset += page.consumed
        self._show_reply(page.reply)
        self.attach(interaction)
        await interaction.response.edit_message(**edit_kwargs(page.reply, self))


async def add_references(
    view: discord.ui.View,
    reply: Reply,
    library: Library,
    symbol: str,
    span: tuple[int, int],
    link_base_url: str,
) -> Reply:
    """Under /cite: the references and "Cited by" embed, and a button per held paragraph."""
    links = await library.paragraph_links(symbol, range(span[0], span[1] + 1))
    add_link_buttons(view, link_targets(links), first_row=1)
    return with_links(reply, links, link_base_url=link_base_url)
