"""/cite and /reports through SimCord on the bundled corpus."""

from __future__ import annotations

from bot.cogs._choices import paragraph_choices, report_choices
from tests.bot.conftest import REPORT_2016, REPORT_2018, Sim, all_text, plain


async def test_cite_quotes_the_whole_paragraph_with_link_and_heading(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report="s/2018/80", paragraph="13")
    assert not result.ephemeral
    assert not result.deferred  # a keyed lookup: answered directly
    embed = result.response.embeds[0]
    (paragraph,) = await sim.bot.library.cite(REPORT_2018, 13)
    assert embed.title == "S/2018/80, para. 13"
    assert embed.url == "https://undocs.org/en/S/2018/80"
    assert paragraph.text in plain(embed.description)
    assert plain(embed.description).startswith("*")  # the heading path comes first
    assert embed.footer.text == "S/2018/80 · 31 January 2018"
    for note in paragraph.footnotes:
        assert f"[{note.number}] {note.text}" in plain(all_text(result.response))


async def test_cite_a_range_shows_each_paragraph(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2016, paragraph="12-14")
    titles = [e.title for e in result.response.embeds]
    assert titles == [f"{REPORT_2016}, para. {n}" for n in (12, 13, 14)]


async def test_previous_and_next_walk_the_report(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="13")
    after = await sim.alice.click(result.response, label="next ▶")
    assert after.response.embeds[0].title == "S/2018/80, para. 14"
    back = await sim.alice.click(result.response, label="◀ previous")
    back = await sim.alice.click(result.response, label="◀ previous")
    assert back.response.embeds[0].title == "S/2018/80, para. 12"
    stranger = await sim.bob.click(result.response, label="next ▶")
    assert stranger.ephemeral


async def test_first_paragraph_has_no_previous_and_the_last_has_no_next(sim: Sim) -> None:
    first = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="1")
    buttons = {c["label"]: c for c in first.response.components[0]["components"]}
    assert buttons["◀ previous"].get("disabled")
    last = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="86")
    end = await sim.alice.click(last.response, label="next ▶")
    assert end.response.embeds[0].title == "S/2018/80, para. 86"
    buttons = {c["label"]: c for c in end.response.components[0]["components"]}
    assert buttons["next ▶"].get("disabled")


async def test_unknown_report_is_private_and_names_what_exists(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report="S/2018/8", paragraph="13")
    assert result.ephemeral
    assert REPORT_2018 in result.response.content
    assert sim.env.errors


async def test_unknown_paragraph_is_private_and_gives_the_range(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="999")
    assert result.ephemeral
    assert "86" in result.response.content
    assert sim.env.errors


async def test_a_paragraph_that_is_not_a_number_is_refused_privately(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="thirteen")
    assert result.ephemeral
    assert "12-14" in result.response.content
    assert sim.env.errors


async def test_autocomplete_suggests_reports_and_paragraphs(sim: Sim) -> None:
    reports = await sim.alice.autocomplete(sim.channel, "cite", "report", "2018")
    assert [c["value"] for c in reports] == [REPORT_2018]
    paragraphs = await sim.alice.autocomplete(
        sim.channel, "cite", "paragraph", "13", report=REPORT_2018
    )
    assert paragraphs[0]["value"] == "13"
    assert paragraphs[0]["name"].startswith("13 — The ability of ISIL to generate revenues")
    assert all(1 <= len(c["name"]) <= 100 for c in paragraphs)


async def test_reports_lists_symbol_date_title_and_count(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "reports")
    text = result.response.embeds[0].description
    summaries = await sim.bot.library.reports()
    for summary in summaries:
        assert f"[{summary.meta.symbol}](https://undocs.org/en/{summary.meta.symbol})" in text
        assert f"{summary.paragraph_count} paragraphs" in text
    assert "31 May 2016" in text
    assert "31 January 2018" in text
    assert "Sixth report of the Secretary-General" in plain(text)


async def test_choice_builders_respect_discords_limits(sim: Sim) -> None:
    paragraphs = await sim.bot.library.export(REPORT_2018)
    for typed in ["", "1", "8", "isil", "the"]:
        choices = paragraph_choices(paragraphs, typed)
        assert len(choices) <= 25
        assert all(1 <= len(name) <= 100 and 1 <= len(value) <= 100 for name, value in choices)
    summaries = await sim.bot.library.reports()
    many = summaries * 40
    choices = report_choices(many, "s/")
    assert len(choices) == 25
    assert all(1 <= len(name) <= 100 for name, _ in choices)
