"""Pure rendering: answers, paragraphs, report lists -> what the bot posts, within limits.

The cogs turn an EmbedSpec into a discord.Embed and the console prints `render_text`, so the
terminal shows exactly what Discord would. Quoted text is escaped (Markdown, mentions) and is
never cut inside a quotation: whole excerpts are dropped to fit, and a paragraph too long for
one embed is split at sentence or word boundaries into pieces that are each a verbatim slice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot import discord_limits as limits
from bot.links import document_url
from bot.quoting import clip, escape_quoted, quote_block, split_verbatim
from corpus.model import Paragraph
from retrieval.answer import Answer, Hit, IngestResult, ReportSummary
from retrieval.series import series_place

NO_MATCH_TITLE = "No matching paragraphs"
REPHRASE_HINT = (
    "Try the words a report would use (names, places, e.g. “oil revenue”, “foreign terrorist "
    "fighters”), fewer words, or no report filter."
)
WEAK_NOTE = "⚠️ Weak match: no paragraph covers your whole question; check the quotes below."
FOOTNOTES_HEADING = "*Footnotes*"


@dataclass(frozen=True)
class EmbedField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class EmbedSpec:
    """An embed as plain values; `size` counts what Discord counts toward its 6000 limit."""

    title: str = ""
    url: str | None = None
    description: str = ""
    fields: tuple[EmbedField, ...] = ()
    footer: str = ""

    @property
    def size(self) -> int:
        parts = [self.title, self.description, self.footer]
        parts += [f.name for f in self.fields] + [f.value for f in self.fields]
        return sum(len(p.strip()) for p in parts)


@dataclass(frozen=True)
class ParagraphRef:
    """A paragraph a reply shows, so a view can offer it in full."""

    report: str
    number: int
    preview: str = field(default="", compare=False)  # plain words of the quote, for a select

    @property
    def citation(self) -> str:
        return f"{self.report}, para. {self.number}"


@dataclass(frozen=True)
class Reply:
    """One message: content, embeds, and the paragraphs it quotes (for buttons and selects)."""

    content: str = ""
    embeds: tuple[EmbedSpec, ...] = ()
    shown: tuple[ParagraphRef, ...] = field(default=(), compare=False)
    has_more: bool = field(default=False, compare=False)  # more hits than this page shows

    def __post_init__(self) -> None:
        check_limits(self)


class LimitError(ValueError):
    """A reply that Discord would refuse; raised at build time, never sent."""


def check_limits(reply: Reply) -> None:
    """Refuse to build a reply Discord would reject with a 400."""
    if len(reply.content) > limits.CONTENT_CHARS:
        raise LimitError(f"content of {len(reply.content)} characters")
    if len(reply.embeds) > limits.EMBEDS_PER_MESSAGE:
        raise LimitError(f"{len(reply.embeds)} embeds")
    for embed in reply.embeds:
        if len(embed.title) > limits.EMBED_TITLE_CHARS:
            raise LimitError(f"embed title of {len(embed.title)} characters")
        if len(embed.description) > limits.EMBED_DESCRIPTION_CHARS:
            raise LimitError(f"embed description of {len(embed.description)} characters")
        if len(embed.footer) > limits.EMBED_FOOTER_CHARS:
            raise LimitError(f"embed footer of {len(embed.footer)} characters")
        if len(embed.fields) > limits.EMBED_FIELDS:
            raise LimitError(f"{len(embed.fields)} fields")
        for f in embed.fields:
            if len(f.name) > limits.EMBED_FIELD_NAME_CHARS:
                raise LimitError("field name too long")
            if len(f.value) > limits.EMBED_FIELD_VALUE_CHARS:
                raise LimitError("field value too long")
    if sum(e.size for e in reply.embeds) > limits.EMBED_TOTAL_CHARS:
        raise LimitError("embeds exceed the per-message total")


def count_noun(count: int, noun: str) -> str:
    """ "1 footnote", "2 footnotes": counts read as English on every surface."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@lru_cache(maxsize=1024)  # a few dates and reports recur in every answer; strftime is slow
def format_date(date: dt.date | None) -> str:
    return f"{date.day} {date:%B %Y}" if date else "undated"


@lru_cache(maxsize=1024)
def _hit_source(report: str, section: tuple[str, ...], link_base_url: str) -> tuple[str, str]:
    """A report's link and a heading path, escaped: the same for every hit from there."""
    where = escape_quoted(" › ".join(section)) if section else ""
    return document_url(link_base_url, report), where


def pack_embeds(embeds: Sequence[EmbedSpec]) -> list[list[int]]:
    """Group embeds (by index, in order) into messages of at most 10 embeds and 6000 chars."""
    pages: list[list[int]] = [[]]
    for i, embed in enumerate(embeds):
        page = pages[-1]
        size = sum(embeds[j].size for j in page) + embed.size
        if page and (len(page) >= limits.EMBEDS_PER_MESSAGE or size > limits.EMBED_TOTAL_CHARS):
            pages.append([])
        pages[-1].append(i)
    return [p for p in pages if p]


# ---------------------------------------------------------------- answers


def _hit_footer_line(hit: Hit, link_base_url: str) -> str:
    para = hit.paragraph
    url, where = _hit_source(para.report, para.section, link_base_url)
    link = f"[{para.citation}]({url})"
    return " · ".join(p for p in (f"— {link}", where, format_date(hit.report_date)) if p)


def _hit_blocks(hit: Hit, link_base_url: str, budget: int) -> list[str]:
    """A hit as one block, or as several continuation blocks when its excerpt is too long."""
    ex, text = hit.excerpt, hit.paragraph.text
    footer = _hit_footer_line(hit, link_base_url)
    rendered: dict[tuple[int, int], str] = {}  # the fitting check renders the block once

    def render(start: int, end: int) -> str:
        if (start, end) not in rendered:
            rendered[start, end] = quote_block(text, start, end, ex.highlights)
        return rendered[start, end]

    spans = split_verbatim(text, ex.start, ex.end, budget - len(footer) - 1, render)
    blocks = [render(s, e) for s, e in spans]
    blocks[-1] += "\n" + footer
    return blocks


def render_answer(answer: Answer, *, link_base_url: str, offset: int = 0) -> Reply:
    """Quote hits from `offset` on, as many as fit one message; drop whole excerpts, never trim."""
    if not answer.hits[offset:]:
        return _no_match(answer) if offset == 0 else Reply(content="No more results.")
    # Clip before escaping (a cut escape leaves a stray backslash); escaping at most doubles.
    question = escape_quoted(clip(answer.query, (limits.EMBED_TITLE_CHARS - 20) // 2))
    title = f"Results for “{question}”"
    intro = ""
    if answer.weak:
        intro = f"⚠️ Weak match: {escape_quoted(answer.reason)}" if answer.reason else WEAK_NOTE
    elif answer.reason:  # e.g. the question was cut to its first 1,000 characters
        intro = f"ℹ️ {escape_quoted(answer.reason)}"
    embeds: list[list[str]] = [[intro] if intro else []]
    reserve = len(title) + 200  # the footer, written last
    total = len(intro)
    shown: list[ParagraphRef] = []
    for hit in answer.hits[offset:]:
        blocks = _hit_blocks(hit, link_base_url, limits.EMBED_DESCRIPTION_CHARS - len(intro))
        placed = _place_blocks(embeds, blocks, total, reserve)
        if placed is None:
            break
        embeds, total = placed
        preview = clip(" ".join(hit.excerpt.text.split()), limits.SELECT_DESCRIPTION_CHARS)
        shown.append(ParagraphRef(hit.paragraph.report, hit.paragraph.number, preview))
    if not shown:  # one excerpt too long for any message: show it from /cite instead
        return _too_long(answer.hits[offset], link_base_url)
    first, last = offset + 1, offset + len(shown)
    footer = _answer_footer(first, last, answer.total, len(answer.hits) - offset - len(shown))
    specs = [EmbedSpec(description="\n\n".join(blocks)) for blocks in embeds]
    specs[0] = EmbedSpec(title=title, description=specs[0].description)
    specs[-1] = EmbedSpec(title=specs[-1].title, description=specs[-1].description, footer=footer)
    return Reply(embeds=tuple(specs), shown=tuple(shown), has_more=last < answer.total)


def _place_blocks(
    embeds: list[list[str]], blocks: list[str], total: int, reserve: int
) -> tuple[list[list[str]], int] | None:
    """Add a hit's blocks (first into the current embed if it fits), or None if they do not."""
    new = [list(e) for e in embeds]
    for i, block in enumerate(blocks):
        current = new[-1]
        size = len("\n\n".join([*current, block]))
        if i > 0 or size > limits.EMBED_DESCRIPTION_CHARS:
            if len(new) >= limits.EMBEDS_PER_MESSAGE:
                return None
            new.append([block])
        else:
            current.append(block)
        total += len(block) + 2
    if total + reserve > limits.EMBED_TOTAL_CHARS:
        return None
    return new, total


def _answer_footer(first: int, last: int, total: int, dropped: int) -> str:
    span = f"{last}" if first == 1 else f"{first}–{last}"
    text = f"{span} of {total} matching paragraph{'s' if total != 1 else ''}"
    if dropped:
        text += f" · {dropped} more did not fit this message: press More results"
    return text


def _no_match(answer: Answer) -> Reply:
    reason = answer.reason or "No paragraph contains the words of your question."
    description = f"{escape_quoted(reason)}\n\n{REPHRASE_HINT}"
    return Reply(embeds=(EmbedSpec(title=NO_MATCH_TITLE, description=description),))


def _too_long(hit: Hit, link_base_url: str) -> Reply:
    url = document_url(link_base_url, hit.paragraph.report)
    text = (
        f"The best match, [{hit.citation}]({url}), is too long to quote here: "
        f"use `/cite report:{hit.paragraph.report} paragraph:{hit.paragraph.number}`."
    )
    ref = ParagraphRef(hit.paragraph.report, hit.paragraph.number)
    return Reply(embeds=(EmbedSpec(description=text),), shown=(ref,))


# ---------------------------------------------------------------- paragraphs


def _paragraph_embeds(para: Paragraph, link_base_url: str, date: dt.date | None) -> list[EmbedSpec]:
    """One paragraph in full: heading path, text, footnotes; continued over embeds if long."""
    budget = limits.EMBED_DESCRIPTION_CHARS
    head = f"*{escape_quoted(' › '.join(para.section))}*" if para.section else ""
    units = [head] if head else []
    body = para.text
    units += [
        quote_block(body, s, e)
        for s, e in split_verbatim(body, 0, len(body), budget, lambda s, e: quote_block(body, s, e))
    ]
    units += _footnote_units(para, budget)
    descriptions = _join_units(units, budget)
    url = document_url(link_base_url, para.report)
    footer = f"{para.report} · {format_date(date)}"
    count = len(descriptions)
    return [
        EmbedSpec(
            title=para.citation if i == 0 else f"{para.citation} (continued, {i + 1}/{count})",
            url=url,
            description=d,
            footer=footer,
        )
        for i, d in enumerate(descriptions)
    ]


def _escaped_slice(text: str) -> Callable[[int, int], str]:
    return lambda start, end: escape_quoted(text[start:end])


def _footnote_units(para: Paragraph, budget: int) -> list[str]:
    """The paragraph's footnotes as "[n] text" lines under a heading, long ones split."""
    lines = []
    for note in para.footnotes:
        label, text = f"[{note.number}] ", note.text
        spans = split_verbatim(text, 0, len(text), budget - 40, _escaped_slice(text))
        lines += [
            f"{label if i == 0 else ''}{escape_quoted(text[s:e])}" for i, (s, e) in enumerate(spans)
        ]
    if not lines:
        return []
    lines[0] = f"{FOOTNOTES_HEADING}\n{lines[0]}"
    return _join_units(lines, budget, sep="\n")


def _join_units(units: list[str], budget: int, sep: str = "\n\n") -> list[str]:
    """Join units in order into as few texts of at most `budget` characters as possible."""
    out: list[str] = []
    for unit in units:
        if out and len(out[-1]) + len(sep) + len(unit) <= budget:
            out[-1] += sep + unit
        else:
            out.append(unit)
    return out


def render_paragraphs(
    paragraphs: Sequence[Paragraph], *, link_base_url: str, date: dt.date | None = None
) -> list[Reply]:
    """Paragraphs in full, one embed each (more when long), paged to fit Discord's limits."""
    embeds: list[EmbedSpec] = []
    refs: list[ParagraphRef] = []
    for para in paragraphs:
        for embed in _paragraph_embeds(para, link_base_url, date):
            embeds.append(embed)
            refs.append(ParagraphRef(para.report, para.number))
    return [
        Reply(
            embeds=tuple(embeds[i] for i in page),
            shown=tuple(dict.fromkeys(refs[i] for i in page)),
        )
        for page in pack_embeds(embeds)
    ]


# ---------------------------------------------------------------- reports and admin


def render_reports(reports: Sequence[ReportSummary], *, link_base_url: str) -> Reply:
    """List every report: symbol (linked), date, place in the series, title and size."""
    if not reports:
        return Reply(content="No reports yet: a server manager can add one with /ingest.")
    lines = []
    metas = [r.meta for r in reports]
    for r in reports:
        url = document_url(link_base_url, r.meta.symbol)
        title = escape_quoted(r.meta.title) if r.meta.title else "untitled"
        lines.append(
            f"**[{r.meta.symbol}]({url})** · {format_date(r.meta.date)} · "
            f"{series_place(r.meta, metas)} · "
            f"{count_noun(r.paragraph_count, 'paragraph')}, "
            f"{count_noun(r.footnote_count, 'footnote')}\n{title}"
        )
    units = _join_units(lines, limits.EMBED_DESCRIPTION_CHARS)
    heading = f"{len(reports)} report{'s' if len(reports) != 1 else ''}"
    embeds = [
        EmbedSpec(title=heading if i == 0 else "", description=u) for i, u in enumerate(units)
    ]
    kept = tuple(embeds[i] for i in pack_embeds(embeds)[0])
    if len(kept) < len(embeds):
        missing = sum(u.count("\n**[") + 1 for u in units[len(kept) :])
        note = f"… and {missing} more; type a symbol in /cite to find them."
        kept = (
            *kept[:-1],
            EmbedSpec(title=kept[-1].title, description=kept[-1].description, footer=note),
        )
    return Reply(embeds=kept)


def render_ingest(result: IngestResult) -> Reply:
    """Say what an ingest added, replaced or left alone, and any warnings."""
    verb = {"added": "Added", "replaced": "Replaced", "unchanged": "Already up to date:"}
    text = (
        f"{verb[result.status]} **{result.symbol}**: "
        f"{count_noun(result.paragraph_count, 'paragraph')}, "
        f"{count_noun(result.footnote_count, 'footnote')}."
    )
    if result.warnings:
        text += "\nWarnings:\n" + "\n".join(f"- {escape_quoted(w)}" for w in result.warnings)
    return Reply(content=clip(text, limits.CONTENT_CHARS))


def render_removed(summary: ReportSummary) -> Reply:
    return Reply(
        content=f"Removed **{summary.meta.symbol}** "
        f"({count_noun(summary.paragraph_count, 'paragraph')})."
    )


def render_message(text: str) -> Reply:
    """A plain notice (errors, refusals), clipped to the content limit."""
    return Reply(content=clip(text, limits.CONTENT_CHARS))


# ---------------------------------------------------------------- terminal


def render_text(reply: Reply) -> str:
    """The reply as a terminal shows it: content, then each embed's parts, Markdown as sent."""
    out = [reply.content] if reply.content else []
    for embed in reply.embeds:
        lines = []
        if embed.title:
            lines.append(f"## {embed.title}" + (f"  <{embed.url}>" if embed.url else ""))
        if embed.description:
            lines.append(embed.description)
        lines += [f"**{f.name}**\n{f.value}" for f in embed.fields]
        if embed.footer:
            lines.append(f"-- {embed.footer}")
        out.append("\n".join(lines))
    return "\n\n".join(out)
