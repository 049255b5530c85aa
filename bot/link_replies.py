"""Pure: a paragraph's references and "Cited by" as embed fields and button targets.

A reference to a paragraph the library holds becomes a button (the view adds it); every
reference is also a link to the official text, so nothing depends on the library holding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot import discord_limits as limits
from bot.links import document_url
from bot.quoting import clip
from bot.replies import EmbedField, EmbedSpec, ParagraphRef, Reply
from corpus.references import Reference
from retrieval.links import ParagraphLinks


def reference_url(base: str, ref: Reference) -> str:
    """The official text: undocs.org takes "S/RES/2253(2015)" without the space."""
    return document_url(base, ref.symbol.replace(" ", ""))


def link_fields(item: ParagraphLinks, *, link_base_url: str) -> tuple[EmbedField, ...]:
    """ "References" (buttons open held ones; links reach the rest) and "Cited by" fields."""
    fields = []
    if item.references:
        shown = []
        for ref in dict.fromkeys(item.references):
            held = any(k[0] == ref.symbol and k[1] in ref.paragraphs for k in item.held)
            label = f"[{ref.label}]({reference_url(link_base_url, ref)})"
            shown.append(f"{label} (button below)" if held else label)
        fields.append(EmbedField("References", _join_within(shown)))
    if item.cited_by:
        citers = [f"{s}, para. {n}" for s, n in item.cited_by]
        fields.append(EmbedField("Cited by", _join_within(citers)))
    return tuple(fields)


def _join_within(items: Sequence[str], limit: int = limits.EMBED_FIELD_VALUE_CHARS) -> str:
    """Items joined by "; ", whole items only, with a count of those left out."""
    text = ""
    for i, item in enumerate(items):
        more = f"; … {len(items) - i} more"
        if len(text) + len(item) + 2 + len(more) > limit:
            return text + more
        text += ("; " if text else "") + item
    return text


def link_targets(links: Sequence[ParagraphLinks]) -> list[tuple[str, ParagraphRef]]:
    """(button label, paragraph) for each held reference and each citing paragraph, once."""
    seen: dict[ParagraphRef, str] = {}
    for item in links:
        for s, n in item.held:
            seen.setdefault(ParagraphRef(s, n), f"→ {s} ¶{n}")
        for s, n in item.cited_by:
            seen.setdefault(ParagraphRef(s, n), f"cited by {s} ¶{n}")
    return [(clip(label, limits.BUTTON_LABEL_CHARS), ref) for ref, label in seen.items()]


def with_links(reply: Reply, links: Sequence[ParagraphLinks], *, link_base_url: str) -> Reply:
    """Each paragraph's last embed with its References and Cited by fields, where they fit."""
    embeds = list(reply.embeds)
    for item in links:
        fields = link_fields(item, link_base_url=link_base_url)
        citation = f"{item.key[0]}, para. {item.key[1]}"
        at = [i for i, e in enumerate(embeds) if e.title.split(" (continued")[0] == citation]
        if not fields or not at:
            continue
        old = embeds[at[-1]]
        new = replace(old, fields=(*old.fields, *fields))
        if sum(e.size for e in embeds) + new.size - old.size <= limits.EMBED_TOTAL_CHARS:
            embeds[at[-1]] = new
    return replace(reply, embeds=tuple(embeds))


def links_reply(links: Sequence[ParagraphLinks], *, link_base_url: str) -> Reply | None:
    """The fields on their own, for a paragraph too long to carry them beside its text."""
    fields = [f for item in links for f in link_fields(item, link_base_url=link_base_url)]
    if not fields:
        return None
    return Reply(embeds=(EmbedSpec(title="References and Cited by", fields=tuple(fields[:25])),))
