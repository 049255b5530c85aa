"""The series view's renderers: Discord's limits for any input, verbatim quotes, whole entries."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import discord_limits as limits
from bot.charts import draw_trend
from bot.link_replies import link_targets, with_links
from bot.replies import Reply
from bot.series_replies import (
    render_timeline,
    render_trend,
    render_whatsnew,
    trend_alt_text,
)
from corpus.model import Paragraph, ReportMeta
from corpus.references import find_references
from retrieval.answer import Excerpt, Hit
from retrieval.links import ParagraphLinks, WhatsNew
from retrieval.novelty import Novelty
from retrieval.timeline import Timeline, TimelineEntry
from retrieval.trend import TermSpec, Trend, TrendRow
from tests.bot.conftest import plain

BASE = "https://undocs.org/en/"
CITATION = re.compile(r"\[(S/\d+/\d+), para\. (\d+)\]")
words = st.text(
    alphabet=st.sampled_from("abcdefghij ISL*_`>#@.\n"), min_size=1, max_size=3000
).filter(str.strip)


def meta(i: int) -> ReportMeta:
    return ReportMeta(f"S/{2000 + i}/{i + 1}", date=dt.date(2000 + i, 1, 31), ordinal=i + 1)


def size_ok(reply: Reply) -> bool:
    return (
        len(reply.embeds) <= limits.EMBEDS_PER_MESSAGE
        and sum(e.size for e in reply.embeds) <= limits.EMBED_TOTAL_CHARS
    )


def quotes_by_citation(reply: Reply) -> list[tuple[str, int, str]]:
    """(report, number, quoted text) for each quote block, read back from the Markdown."""
    found = []
    for embed in reply.embeds:
        pending: list[str] = []
        for line in embed.description.split("\n"):
            if line.startswith("> "):
                pending.append(plain(line).strip("…"))
            match = CITATION.search(line)
            if match and pending:
                found += [(match[1], int(match[2]), q) for q in pending]
                pending = []
    return found


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), words), min_size=1, max_size=25), st.integers(1, 10))
def test_every_timeline_page_fits_and_quotes_verbatim(
    texts: list[str | None], per_page: int
) -> None:
    entries = []
    paragraphs = {}
    for i, text in enumerate(texts):
        m = meta(i)
        if text is None:
            entries.append(TimelineEntry(m, None, True))
            continue
        p = Paragraph(m.symbol, i + 1, text)
        paragraphs[(p.report, p.number)] = p
        hit = Hit(p, 1.0, Excerpt(p, 0, len(text)), (), 1.0, m.date)
        entries.append(TimelineEntry(m, hit, False))
    timeline = Timeline("question", tuple(entries))
    offset, seen = 0, 0
    while True:
        page = render_timeline(timeline, link_base_url=BASE, offset=offset, per_page=per_page)
        assert size_ok(page.reply)
        assert 1 <= page.consumed <= per_page
        for report, number, quote in quotes_by_citation(page.reply):
            assert quote in paragraphs[(report, number)].text
        seen += page.consumed
        offset += page.consumed
        if not page.reply.has_more:
            break
    assert seen == len(texts)  # every report appears once, silent ones too


@settings(max_examples=25, deadline=None)
@given(st.lists(words, min_size=1, max_size=40))
def test_every_whatsnew_page_fits_and_quotes_verbatim(texts: list[str]) -> None:
    paragraphs = [Paragraph("S/2020/2", i + 1, t, (f"H{i // 7}",)) for i, t in enumerate(texts)]
    news = WhatsNew(meta(20), meta(19), tuple(Novelty(p, 0.05, None) for p in paragraphs))
    offset = 0
    while True:
        page = render_whatsnew(news, link_base_url=BASE, offset=offset)
        assert size_ok(page.reply)
        for _, number, quote in quotes_by_citation(page.reply):
            assert quote in paragraphs[number - 1].text
        offset += page.consumed
        if not page.reply.has_more:
            break
    assert offset == len(texts)


def trend_of(reports: int, terms: int) -> Trend:
    specs = tuple(TermSpec(f"term number {i}" * 3, ((f"t{i}",),)) for i in range(terms))
    rows = tuple(
        TrendRow(meta(i), 10_000 + i, tuple(i * (t + 1) for t in range(terms)))
        for i in range(reports)
    )
    return Trend(specs, rows)


def test_a_trend_of_many_reports_keeps_the_newest_rows_that_fit() -> None:
    trend = trend_of(200, 5)
    reply = render_trend(trend)
    (embed,) = reply.embeds
    assert len(embed.description) <= limits.EMBED_DESCRIPTION_CHARS
    assert "older reports are in the chart only" in embed.description
    assert trend.rows[-1].meta.symbol in embed.description
    assert len(trend_alt_text(trend)) <= 1024


def test_trend_numbers_are_per_10000_words_with_raw_counts() -> None:
    trend = trend_of(2, 1)
    text = render_trend(trend).embeds[0].description
    assert "S/2001/2  2001-01-31  10,001  1.0 (1)" in text
    assert trend_alt_text(trend).startswith("Mentions per 10,000 words. term number 0")


def test_the_chart_is_a_png_of_fixed_size_for_any_number_of_reports() -> None:
    for reports in (1, 2, 40):
        data = draw_trend(trend_of(reports, 5))
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == 800
        assert int.from_bytes(data[20:24], "big") == 420


def test_references_become_fields_and_buttons() -> None:
    text = "Cited in S/2017/573, para. 20 and S/2016/501, para. 9; resolution 2253 (2015)."
    para = Paragraph("S/2018/80", 3, text)
    links = [
        ParagraphLinks(
            ("S/2018/80", 3),
            tuple(find_references(text)),
            (("S/2016/501", 9),),
            (("S/2018/770", 87),),
        )
    ]
    base = Reply(embeds=(render_paragraph_embed(para),))
    reply = with_links(base, links, link_base_url=BASE)
    fields = {f.name: f.value for f in reply.embeds[0].fields}
    assert "[S/2017/573, para. 20](https://undocs.org/en/S/2017/573)" in fields["References"]
    assert (
        "[S/2016/501, para. 9](https://undocs.org/en/S/2016/501) (button below)"
        in (fields["References"])
    )
    assert "https://undocs.org/en/S/RES/2253%282015%29" in fields["References"]
    assert fields["Cited by"] == "S/2018/770, para. 87"
    labels = [label for label, _ in link_targets(links)]
    assert labels == ["→ S/2016/501 ¶9", "cited by S/2018/770 ¶87"]


def render_paragraph_embed(para: Paragraph):  # type: ignore[no-untyped-def]
    from bot.replies import render_paragraphs

    return render_paragraphs([para], link_base_url=BASE)[0].embeds[0]


def test_hundreds_of_references_stay_within_a_field() -> None:
    text = " ".join(f"S/2017/{n}, para. {n}." for n in range(1, 400))
    links = [ParagraphLinks(("S/2018/80", 1), tuple(find_references(text)), (), ())]
    base = Reply(embeds=(render_paragraph_embed(Paragraph("S/2018/80", 1, "short")),))
    reply = with_links(base, links, link_base_url=BASE)
    (field,) = reply.embeds[0].fields
    assert len(field.value) <= limits.EMBED_FIELD_VALUE_CHARS
    assert field.value.endswith("more")


def test_an_entry_too_long_for_any_page_points_to_cite_and_paging_moves_on() -> None:
    long = Paragraph("S/2001/2", 5, "*" * 3000 + " " + "_" * 3000)
    hit = Hit(long, 1.0, Excerpt(long, 0, len(long.text)), (), 1.0, None)
    timeline = Timeline(
        "q", (TimelineEntry(meta(1), hit, False), TimelineEntry(meta(2), None, True))
    )
    page = render_timeline(timeline, link_base_url=BASE, per_page=1)
    assert page.consumed == 1
    assert "`/cite report:S/2001/2 paragraph:5`" in page.reply.embeds[0].description
    assert page.reply.has_more


def test_the_chart_carries_its_own_opaque_background_for_either_theme() -> None:
    """Discord shows images on a dark or a light background; an opaque light card with dark
    ink reads the same on both (a transparent chart would lose its text on one of them)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(draw_trend(trend_of(3, 2)))).convert("RGBA")
    width, height = image.size
    corners = [image.getpixel(xy) for xy in [(0, 0), (width - 1, 0), (0, height - 1)]]
    assert all(pixel == (0xF5, 0xF6, 0xF8, 255) for pixel in corners)
    darkest = min(
        sum(image.getpixel((x, y))[:3]) for x in range(0, width, 4) for y in range(0, height, 4)
    )
    assert darkest < 150  # dark ink (labels, axes) on the light card
