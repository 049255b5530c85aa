"""The pure renderer: citations, escaping, and Discord's limits, with hand-built values."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import discord_limits as limits
from bot.quoting import escape_quoted, split_verbatim
from bot.replies import (
    NO_MATCH_TITLE,
    REPHRASE_HINT,
    WEAK_NOTE,
    EmbedSpec,
    LimitError,
    Reply,
    render_answer,
    render_ingest,
    render_paragraphs,
    render_reports,
    render_text,
)
from corpus.model import Footnote, Paragraph, ReportMeta
from retrieval.answer import Answer, Excerpt, Hit, IngestResult, ReportSummary
from tests.bot.conftest import plain

BASE = "https://undocs.org/en/"
DATE = dt.date(2018, 1, 31)
INJECTION = "Funds @everyone <@123456789012345678> <@&123> **bold** [x](https://evil) `code` moved."


def make_paragraph(
    number: int = 13, text: str = "ISIL generates revenue from oil.", **kw
) -> Paragraph:
    kw.setdefault("section", ("II. Threat assessment", "A. Financing"))
    return Paragraph(kw.pop("report", "S/2018/80"), number, text, **kw)


def make_hit(paragraph: Paragraph, start: int = 0, end: int | None = None, highlights=()) -> Hit:
    end = len(paragraph.text) if end is None else end
    excerpt = Excerpt(paragraph, start, end, tuple(highlights))
    return Hit(paragraph, 1.0, excerpt, ("oil",), 1.0, DATE)


def make_answer(hits, total: int | None = None, **kw) -> Answer:
    return Answer("oil revenue", tuple(hits), len(hits) if total is None else total, 1.0, **kw)


def quotes_of(reply: Reply) -> list[str]:
    """The quoted lines of every embed, unescaped, without the ellipses outside the slice."""
    text = "\n".join(e.description for e in reply.embeds)
    lines = [ln for ln in text.split("\n") if ln.startswith("> ")]
    return [plain(ln).strip("…") for ln in lines]


def assert_within_limits(reply: Reply) -> None:
    assert len(reply.content) <= limits.CONTENT_CHARS
    assert len(reply.embeds) <= limits.EMBEDS_PER_MESSAGE
    assert all(len(e.description) <= limits.EMBED_DESCRIPTION_CHARS for e in reply.embeds)
    assert all(len(e.title) <= limits.EMBED_TITLE_CHARS for e in reply.embeds)
    assert sum(e.size for e in reply.embeds) <= limits.EMBED_TOTAL_CHARS


def test_answer_quotes_bolds_cites_and_links() -> None:
    para = make_paragraph()
    oil = para.text.index("oil")
    hit = make_hit(para, highlights=[(oil, oil + 3)])
    reply = render_answer(make_answer([hit], total=27), link_base_url=BASE)
    embed = reply.embeds[0]
    assert "> ISIL generates revenue from **oil**." in embed.description
    assert "[S/2018/80, para. 13](https://undocs.org/en/S/2018/80)" in embed.description
    assert "II. Threat assessment › A. Financing" in embed.description
    assert "31 January 2018" in embed.description
    assert embed.footer == "1 of 27 matching paragraphs"
    assert reply.has_more
    assert [r.citation for r in reply.shown] == ["S/2018/80, para. 13"]


def test_excerpt_inside_a_paragraph_is_marked_with_ellipses() -> None:
    para = make_paragraph(text="First sentence here. ISIL sells oil. Last sentence.")
    start = para.text.index("ISIL")
    hit = make_hit(para, start, para.text.index(" Last"))
    reply = render_answer(make_answer([hit]), link_base_url=BASE)
    assert "> …ISIL sells oil.…" in reply.embeds[0].description


def test_weak_answer_says_so_and_no_answer_suggests_rephrasing() -> None:
    weak = render_answer(make_answer([make_hit(make_paragraph())], weak=True), link_base_url=BASE)
    assert WEAK_NOTE in weak.embeds[0].description
    why = make_answer([make_hit(make_paragraph())], weak=True, reason="Only “oil” matched.")
    assert (
        "⚠️ Weak match: Only “oil” matched."
        in render_answer(why, link_base_url=BASE).embeds[0].description
    )
    none = render_answer(make_answer([], reason="No paragraph mentions “zzz”."), link_base_url=BASE)
    assert none.embeds[0].title == NO_MATCH_TITLE
    assert "zzz" in none.embeds[0].description
    assert REPHRASE_HINT in none.embeds[0].description
    assert not none.shown


def test_second_page_counts_from_the_offset() -> None:
    hits = [make_hit(make_paragraph(n)) for n in range(1, 7)]
    reply = render_answer(make_answer(hits, total=6), link_base_url=BASE, offset=3)
    assert reply.embeds[-1].footer == "4–6 of 6 matching paragraphs"
    assert [r.number for r in reply.shown] == [4, 5, 6]
    assert not reply.has_more


def test_ten_long_hits_drop_whole_excerpts_to_fit_one_message() -> None:
    sentence = "The group moved funds through couriers and hawala networks across borders. "
    hits = [make_hit(make_paragraph(n, (sentence * 14).strip())) for n in range(1, 11)]
    reply = render_answer(make_answer(hits, total=10), link_base_url=BASE)
    assert_within_limits(reply)
    assert 0 < len(reply.shown) < 10
    for quote, ref in zip(quotes_of(reply), reply.shown, strict=True):
        assert quote == hits[ref.number - 1].paragraph.text  # whole, never trimmed
    assert "did not fit" in reply.embeds[-1].footer
    assert reply.has_more


def test_a_4000_character_paragraph_is_continued_not_truncated() -> None:
    text = " ".join(f"Sentence {i} mentions *stars* and _underscores_ [x](y)." for i in range(90))
    para = make_paragraph(7, text[:4000].rstrip(), footnotes=(Footnote(3, "A footnote."),))
    pages = render_paragraphs([para], link_base_url=BASE, date=DATE)
    embeds = [e for page in pages for e in page.embeds]
    assert len(embeds) >= 2
    assert embeds[0].title == "S/2018/80, para. 7"
    assert "continued" in embeds[1].title
    for page in pages:
        assert_within_limits(page)
    pieces = [q for page in pages for q in quotes_of(page)]
    assert all(p in para.text for p in pieces)
    assert _squash("".join(pieces)) == _squash(para.text)  # nothing lost but whitespace
    assert "[3] A footnote." in plain(embeds[-1].description)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("raw", "forbidden"),
    [
        ("**bold**", "**"),
        ("[x](https://evil)", "[x]("),
        ("`code`", "`code`"),
        ("@everyone", "@everyone"),
        ("@here", "@here"),
        ("<@123456789012345678>", "<@1"),
        ("<@&123>", "<@&"),
        ("<#123>", "<#1"),
        ("1. item", "1. item"),
        ("__under__", "__"),
        ("||spoiler||", "||"),
    ],
)
def test_report_text_cannot_format_or_mention(raw: str, forbidden: str) -> None:
    escaped = escape_quoted(raw)
    assert forbidden not in escaped
    assert plain(escaped) == raw


@pytest.mark.parametrize("raw", ["# Heading", "> quote", "- bullet", "-# small", "  + item"])
def test_line_start_markup_is_escaped(raw: str) -> None:
    escaped = escape_quoted(f"text\n{raw}")
    assert escaped.split("\n")[1].lstrip().startswith("\\")
    assert re.sub(r"\\(.)", r"\1", escaped) == f"text\n{raw}"


def _escape_every_pattern(text: str) -> str:
    """escape_quoted's five substitutions, each run whatever the text holds."""
    text = re.sub(r"([\\*_~`|\[\]>#])", r"\\\1", text)
    text = re.sub(r"^(\s*)([-+])", r"\1\\\2", text, flags=re.MULTILINE)
    text = re.sub(r"^(\s*\d+)\.", r"\1\\.", text, flags=re.MULTILINE)
    text = re.sub(r"@(everyone|here)", "@\u200b\\1", text)
    return re.sub(r"<(?=[@#:/]|a:|t:)", "<\u200b", text)


_MARKUP_PIECES = [
    *"a1 \n\t.-+#>*_~`|[]\\@<:/&",
    "@everyone",
    "@here",
    "12.",
    "<:",
    "</",
    "<a:",
    "<t:",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_MARKUP_PIECES)).map("".join))
@example("+ a")
@example("a\n -")
@example("a\n 12. b")
@example("@here")
@example("<:x:1>")
@example("</cmd:1>")
@example("a # b")
@example("a\\b")
def test_escaping_skips_no_markup(raw: str) -> None:
    """The shortcut for text with nothing to escape gives what the five substitutions give."""
    assert escape_quoted(raw) == _escape_every_pattern(raw)


def test_injection_in_a_cited_paragraph_renders_literally() -> None:
    page = render_paragraphs([make_paragraph(text=INJECTION)], link_base_url=BASE)[0]
    description = page.embeds[0].description
    assert "@everyone" not in description
    assert "<@&123>" not in description
    assert "](https://evil)" in description
    assert "\\[x\\]" in description
    assert INJECTION in plain(description)


def test_bold_highlights_survive_escaping_of_the_text_around_them() -> None:
    para = make_paragraph(text="Use of **oil** and `gas`.")
    oil = para.text.index("oil")
    reply = render_answer(
        make_answer([make_hit(para, highlights=[(oil, oil + 3)])]), link_base_url=BASE
    )
    assert "> Use of \\*\\***oil**\\*\\* and \\`gas\\`." in reply.embeds[0].description


def test_reports_list_symbol_date_title_and_counts() -> None:
    meta = ReportMeta("S/2018/80", "Sixth report on ISIL", DATE)
    reply = render_reports([ReportSummary(meta, 86, 67)], link_base_url=BASE)
    text = reply.embeds[0].description
    assert "[S/2018/80](https://undocs.org/en/S/2018/80)" in text
    assert "31 January 2018" in text
    assert "86 paragraphs, 67 footnotes" in text
    assert "Sixth report on ISIL" in text


def test_many_reports_say_how_many_were_left_out() -> None:
    metas = [ReportMeta(f"S/20{n:02d}/{n}", "T" * 200, DATE) for n in range(200)]
    reply = render_reports([ReportSummary(m, 80, 0) for m in metas], link_base_url=BASE)
    assert_within_limits(reply)
    assert "more" in reply.embeds[-1].footer


def test_ingest_reply_says_what_was_added() -> None:
    reply = render_ingest(IngestResult("S/2099/1", "added", 12, 3, ("line 4: odd heading",)))
    assert "Added **S/2099/1**: 12 paragraphs, 3 footnotes." in reply.content
    assert "odd heading" in reply.content


def test_a_reply_over_a_limit_cannot_be_built() -> None:
    with pytest.raises(LimitError):
        Reply(content="x" * (limits.CONTENT_CHARS + 1))
    with pytest.raises(LimitError):
        Reply(embeds=(EmbedSpec(description="x" * 3001), EmbedSpec(description="y" * 3001)))
    with pytest.raises(LimitError):
        Reply(embeds=tuple(EmbedSpec(description="x") for _ in range(11)))


def test_render_text_shows_title_link_description_and_footer() -> None:
    page = render_paragraphs([make_paragraph()], link_base_url=BASE, date=DATE)[0]
    text = render_text(page)
    assert text.startswith("## S/2018/80, para. 13  <https://undocs.org/en/S/2018/80>")
    assert "> ISIL generates revenue from oil." in text
    assert text.endswith("-- S/2018/80 · 31 January 2018")


_TEXT = st.lists(
    st.sampled_from([*list("abc xyz.!?*_`[]()@<>#-\n"), "ISIL ", "oil. ", "@everyone"]),
    min_size=1,
    max_size=300,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, budget=st.integers(min_value=40, max_value=400))
def test_split_pieces_are_slices_that_fit_and_cover_the_text(text: str, budget: int) -> None:
    def render(s: int, e: int) -> str:
        return "> " + escape_quoted(text[s:e])

    spans = split_verbatim(text, 0, len(text), budget, render)
    assert all(len(render(s, e)) <= budget for s, e in spans)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)
    covered = "".join(text[s:e] for s, e in spans)
    assert _squash(covered) == _squash(text)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=2500), min_size=1, max_size=10),
    data=st.data(),
)
def test_any_answer_fits_discord_and_quotes_verbatim(texts: list[str], data: st.DataObject) -> None:
    hits = []
    for n, text in enumerate(texts, start=1):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        hits.append(make_hit(make_paragraph(n, text), start, end))
    reply = render_answer(make_answer(hits), link_base_url=BASE)
    assert_within_limits(reply)
    assert reply.shown or "too long to quote" in reply.embeds[0].description


def test_the_question_in_the_title_is_clipped_then_escaped() -> None:
    answer = Answer("*" * 300, (make_hit(make_paragraph()),), 1, 1.0)
    title = render_answer(answer, link_base_url=BASE).embeds[0].title
    assert len(title) <= limits.EMBED_TITLE_CHARS
    assert title.startswith("Results for “\\*\\*")
    assert title.endswith("…”")
