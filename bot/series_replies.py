"""Pure: the series view's replies (timeline, trend, what's new, references) within limits.

Quotes go through the same machinery as /ask: excerpts are offsets into the paragraph, escaped
by `quote_block`, and a quote too long for one embed is split at sentence or word boundaries
into verbatim pieces. Pages hold whole entries: an entry is never cut to fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import discord_limits as limits
from bot.links import document_url
from bot.quoting import clip, escape_quoted, quote_block, split_verbatim
from bot.replies import EmbedSpec, ParagraphRef, Reply, format_date
from corpus.model import ReportMeta
from retrieval.answer import Excerpt
from retrieval.excerpt import best_excerpt
from retrieval.links import WhatsNew
from retrieval.novelty import NEW_BELOW
from retrieval.series import series_place
from retrieval.timeline import Timeline
from retrieval.trend import Trend

QUOTE_BUDGET = 1800  # one quote's share of an embed; longer quotes continue in the next block
_RESERVE = 400  # title and footer, written after the entries are placed
MORE_HINT = "press More results"
ATTACHMENT_DESCRIPTION_CHARS = 1024  # an attachment's description (alt text)
SILENT = "silent on this: no paragraph covers most of the question"


@dataclass(frozen=True)
class Entry:
    """One unit of a paged reply: blocks that stay together, and the paragraph it quotes."""

    blocks: tuple[str, ...]
    ref: ParagraphRef | None = None


@dataclass(frozen=True)
class Page:
    reply: Reply
    consumed: int  # entries this page shows; the next page starts after them


def quote_excerpt(excerpt: Excerpt, footer: str) -> tuple[str, ...]:
    """An excerpt as quote blocks (split verbatim if long) with the citation line after."""
    text = excerpt.paragraph.text
    spans = split_verbatim(
        text,
        excerpt.start,
        excerpt.end,
        QUOTE_BUDGET,
        lambda s, e: quote_block(text, s, e, excerpt.highlights),
    )
    blocks = [quote_block(text, s, e, excerpt.highlights) for s, e in spans]
    blocks[-1] += "\n" + footer
    return tuple(blocks)


def paginate(
    entries: Sequence[Entry],
    offset: int,
    title: str,
    footer: Callable[[int, int], str],
    max_entries: int = 25,
) -> Page:
    """Entries from `offset`, as many as one message holds (10 embeds, 6000 characters)."""
    descriptions: list[list[str]] = [[]]
    total, consumed = len(title) + _RESERVE, 0
    window = list(entries[offset : offset + max_entries])
    if window and _size(window[0]) + total > limits.EMBED_TOTAL_CHARS:
        window[0] = _too_long(window[0])  # a page always moves on: point to /cite instead
    for entry in window:
        trial = [list(d) for d in descriptions]
        for i, block in enumerate(entry.blocks):
            if i > 0 or len("\n\n".join([*trial[-1], block])) > limits.EMBED_DESCRIPTION_CHARS:
                trial.append([])
            trial[-1].append(block)
        size = total + sum(len(b) + 2 for b in entry.blocks)
        trial = [d for d in trial if d]
        if size > limits.EMBED_TOTAL_CHARS or len(trial) > limits.EMBEDS_PER_MESSAGE:
            break
        descriptions, total, consumed = trial, size, consumed + 1
    shown = window[:consumed]
    last = offset + consumed
    specs = [EmbedSpec(description="\n\n".join(d)) for d in descriptions if d] or [EmbedSpec()]
    specs[0] = EmbedSpec(
        title=clip(title, limits.EMBED_TITLE_CHARS), description=specs[0].description
    )
    specs[-1] = EmbedSpec(
        title=specs[-1].title, description=specs[-1].description, footer=footer(offset, last)
    )
    refs = tuple(dict.fromkeys(e.ref for e in shown if e.ref is not None))
    return Page(Reply(embeds=tuple(specs), shown=refs, has_more=last < len(entries)), consumed)


def _size(entry: Entry) -> int:
    return sum(len(b) + 2 for b in entry.blocks)


def _too_long(entry: Entry) -> Entry:
    ref = entry.ref
    if ref is None:
        return Entry(("*This entry is too long to show here.*",))
    hint = f"`/cite report:{ref.report} paragraph:{ref.number}`"
    head = entry.blocks[0].split("\n", 1)[0] if entry.blocks[0].startswith("**") else ""
    text = f"{ref.citation} is too long to quote here: use {hint}."
    return Entry(((f"{head}\n" if head else "") + text,), ref)


def _span_footer(noun: str, total: int) -> Callable[[int, int], str]:
    def footer(first: int, last: int) -> str:
        span = f"{first + 1}–{last}" if first else f"{last}"
        text = f"{span} of {total} {noun}"
        return text + (f" · {MORE_HINT}" if last < total else "")

    return footer


# ---------------------------------------------------------------- timeline


def _report_line(meta: ReportMeta, metas: Sequence[ReportMeta], base: str) -> str:
    url = document_url(base, meta.symbol)
    return f"**[{meta.symbol}]({url})** · {format_date(meta.date)} · {series_place(meta, metas)}"


def timeline_entries(timeline: Timeline, *, link_base_url: str) -> list[Entry]:
    """One entry per report, oldest first: its best quote, or a line saying it is silent."""
    metas = [e.meta for e in timeline.entries]
    entries = []
    for entry in timeline.entries:
        head = _report_line(entry.meta, metas, link_base_url)
        if entry.hit is None:  # silent, or (a caller's slip) not quoted for this page
            note = SILENT if entry.silent else "answers this; the quote was not loaded"
            entries.append(Entry((f"{head}\n*{note}*",)))
            continue
        para = entry.hit.paragraph
        where = escape_quoted(" › ".join(para.section)) if para.section else ""
        link = f"[{para.citation}]({document_url(link_base_url, para.report)})"
        cite = f"— {link}" + (f" · {where}" if where else "")
        blocks = quote_excerpt(entry.hit.excerpt, cite)
        preview = clip(" ".join(entry.hit.excerpt.text.split()), limits.SELECT_DESCRIPTION_CHARS)
        ref = ParagraphRef(para.report, para.number, preview)
        entries.append(Entry((f"{head}\n{blocks[0]}", *blocks[1:]), ref))
    return entries


def render_timeline(
    timeline: Timeline, *, link_base_url: str, offset: int = 0, per_page: int = 10
) -> Page:
    """A page of the timeline: at most `per_page` reports, whole entries only."""
    entries = timeline_entries(timeline, link_base_url=link_base_url)
    question = escape_quoted(clip(timeline.question, (limits.EMBED_TITLE_CHARS - 30) // 2))
    title = f"Timeline: “{question}”"
    if not entries:
        return Page(Reply(content="No reports yet: a server manager can add one with /ingest."), 0)
    silent = sum(e.silent for e in timeline.entries)
    noun = f"reports ({silent} silent)" if silent else "reports"
    count = _span_footer(noun, len(entries))
    why = clip(timeline.reason, 300) if timeline.reason else ""  # e.g. only common words

    def footer(first: int, last: int) -> str:
        return f"{count(first, last)}\n{why}" if why else count(first, last)

    return paginate(entries, offset, title, footer, per_page)


# ---------------------------------------------------------------- trend


def trend_table(trend: Trend) -> str:
    """The numbers as a fixed-width table: per 10,000 words, with the raw count in brackets."""
    return "\n".join(_table_lines(trend))


def _table_lines(trend: Trend) -> list[str]:
    """The head line, then one line per report (oldest first), in shared column widths."""
    heads = ["report", "date", "words"] + [clip(t.typed, 24) for t in trend.terms]
    rows = [
        [r.meta.symbol, r.meta.date.isoformat() if r.meta.date else "undated", f"{r.words:,}"]
        + [f"{r.per_10k(i):.1f} ({c})" for i, c in enumerate(r.counts)]
        for r in trend.rows
    ]
    widths = [max(len(x) for x in col) for col in zip(heads, *rows, strict=True)]
    return [
        "  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)).rstrip()
        for line in [heads, *rows]
    ]


def aliases_note(trend: Trend) -> str:
    """Which other names were counted for each term."""
    notes = [f"“{t.typed}” also counts {', '.join(t.aliases)}" for t in trend.terms if t.aliases]
    return "; ".join(notes)


def trend_alt_text(trend: Trend) -> str:
    """The chart in words (Discord's image description, at most 1024 characters)."""
    parts = []
    for i, term in enumerate(trend.terms):
        values = ", ".join(f"{r.meta.symbol} {r.per_10k(i):.1f}" for r in trend.rows)
        parts.append(f"{term.typed}: {values}")
    text = "Mentions per 10,000 words. " + "; ".join(parts) + "."
    return clip(text, ATTACHMENT_DESCRIPTION_CHARS)


def render_trend(trend: Trend, *, image: str | None = None) -> Reply:
    """The table in a code block (the chart is attached beside it); aliases named below."""
    note = escape_quoted(aliases_note(trend))
    note = clip(note, 600)  # aliases come from reports; the table matters more
    head, *lines = [line.replace("`", "'") for line in _table_lines(trend)]
    tail = "\n```" + (f"\n{note}" if note else "")
    room = limits.EMBED_DESCRIPTION_CHARS - len(tail) - len(head) - 80  # 80: the "older" line
    kept: list[str] = []
    for line in reversed(lines):  # the newest rows when all do not fit; the chart has them all
        if len(line) + 1 > room:
            break
        kept.insert(0, line)
        room -= len(line) + 1
    dropped = len(lines) - len(kept)
    intro = f"{dropped} older reports are in the chart only.\n" if dropped else ""
    description = intro + "```\n" + "\n".join([head, *kept]) + tail
    terms = ", ".join(t.typed for t in trend.terms)
    title = clip(f"Mentions per 10,000 words: {terms}", limits.EMBED_TITLE_CHARS)
    footer = "Counted in the numbered paragraphs; (n) is the raw count."
    if image:
        footer += f" Chart: {image}"
    return Reply(embeds=(EmbedSpec(title=title, description=description, footer=footer),))


# ---------------------------------------------------------------- what's new


def whatsnew_entries(news: WhatsNew, *, link_base_url: str) -> list[Entry]:
    """New paragraphs grouped under their headings, each quoted (first sentence) and cited."""
    entries: list[Entry] = []
    heading: tuple[str, ...] | None = None
    for novelty in news.new:
        para = novelty.paragraph
        excerpt = best_excerpt(para, {})
        closest = f" · closest earlier: {_floor2(novelty.similarity)}" if news.previous else ""
        link = f"[{para.citation}]({document_url(link_base_url, para.report)})"
        blocks = list(quote_excerpt(excerpt, f"— {link}{closest}"))
        if para.section != heading:
            heading = para.section
            label = escape_quoted(" › ".join(para.section)) if para.section else "(no heading)"
            blocks[0] = f"__{label}__\n{blocks[0]}"
        preview = clip(" ".join(excerpt.text.split()), limits.SELECT_DESCRIPTION_CHARS)
        entries.append(Entry(tuple(blocks), ParagraphRef(para.report, para.number, preview)))
    return entries


def _floor2(value: float) -> str:
    """0.1999 -> "0.19": rounding up would show a new paragraph at the threshold."""
    return f"{int(value * 100) / 100:.2f}"


def render_whatsnew(news: WhatsNew, *, link_base_url: str, offset: int = 0) -> Page:
    """A page of a report's new paragraphs, with the rule that decided it in the title's embed."""
    symbol = news.meta.symbol
    entries = whatsnew_entries(news, link_base_url=link_base_url)
    if news.previous is None:
        intro = f"{symbol} is the first report in the library: there is nothing earlier to compare."
        return Page(
            Reply(embeds=(EmbedSpec(title=f"What's new in {symbol}", description=intro),)), 0
        )
    rule = (
        f"Compared with {news.previous.symbol} ({format_date(news.previous.date)}): a paragraph is "
        f"new when the closest paragraph of {news.previous.symbol} scores under {NEW_BELOW:.2f} "
        "of what it scores against itself (BM25, the paragraph's own words as the query)."
    )
    if not entries:
        text = f"{rule}\n\nNo paragraph of {symbol} is new by that measure."
        return Page(
            Reply(embeds=(EmbedSpec(title=f"What's new in {symbol}", description=text),)), 0
        )
    title = f"What's new in {symbol}: {len(entries)} of {len(news.scored)} paragraphs"
    count = _span_footer("new paragraphs", len(entries))
    return paginate(entries, offset, title, lambda a, b: f"{count(a, b)}\n{rule}")
