"""/timeline, /trend, /whatsnew, references in /cite and "Cited by", through SimCord.

The library holds the bundled reports and a generated seventh report (tests/series_reports.py).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest

from bot import Settings
from bot.series_commands import MAX_CHART_BYTES
from bot.views import ONLY_THE_ASKER
from tests.bot.conftest import (
    REPORT_2016,
    REPORT_2018,
    Sim,
    all_text,
    announce_message_update,
    plain,
)
from tests.bot.test_ask import assert_quotes_are_verbatim
from tests.series_reports import CURRENCIES, DRONES, SEVENTH

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def settings(series_db: Path) -> Settings:
    """The three-report library for every test here (overrides tests/bot/conftest.py)."""
    return Settings(db_path=series_db, ask_cooldown_rate=3, ask_cooldown_s=5.0)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def buttons(message: Any) -> dict[str, dict[str, Any]]:
    """Every button under a message, by label."""
    found = {}
    for row in message.components:
        for item in row["components"]:
            if item.get("type") == 2:
                found[item["label"]] = item
    return found


# ---------------------------------------------------------------- /timeline


async def test_timeline_quotes_each_report_oldest_first_and_names_silent_ones(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "timeline", question="drones")
    assert not result.ephemeral
    text = all_text(result.response)
    order = [text.index(f"**[{s}]") for s in (REPORT_2016, REPORT_2018, SEVENTH)]
    assert order == sorted(order)
    assert text.count("silent on this") == 2
    assert f"{SEVENTH}, para. {DRONES}" in text
    cited = await assert_quotes_are_verbatim(sim, result.response.embeds[0].description)
    assert cited == [(SEVENTH, DRONES)]
    assert "3 of 3 reports (2 silent)" in result.response.embeds[-1].footer.text


async def test_timeline_quotes_are_verbatim_on_a_shared_topic(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "timeline", question="oil revenue")
    description = "\n\n".join(e.description for e in result.response.embeds)
    cited = await assert_quotes_are_verbatim(sim, description)
    assert [report for report, _ in cited] == [REPORT_2016, REPORT_2018, SEVENTH]


async def test_a_long_timeline_pages_in_place_for_the_asker_only(sim: Sim) -> None:
    first = await sim.alice.slash(sim.channel, "timeline", question="oil revenue", results=1)
    assert f"**[{REPORT_2016}]" in all_text(first.response)
    assert SEVENTH not in all_text(first.response)
    announce_message_update(sim, first.response)  # a change on Discord refreshes the view
    refused = await sim.bob.click(first.response, label="More results")
    assert refused.ephemeral
    assert refused.response.content == ONLY_THE_ASKER
    second = await sim.alice.click(first.response, label="More results")
    assert f"**[{REPORT_2018}]" in all_text(second.response)
    third = await sim.alice.click(first.response, label="More results")
    assert f"**[{SEVENTH}]" in all_text(third.response)
    assert buttons(third.response)["More results"].get("disabled")


async def test_show_full_paragraph_from_a_timeline_carries_reference_buttons(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "timeline", question="drones")
    select = next(
        item
        for row in result.response.components
        for item in row["components"]
        if item.get("type") == 3
    )
    value = f"{SEVENTH}|{DRONES}"
    assert [o["value"] for o in select["options"]] == [value]
    shown = await sim.bob.select(result.response, [value])
    assert shown.ephemeral
    assert shown.response.embeds[0].title == f"{SEVENTH}, para. {DRONES}"
    assert "S/2018/80, para. 13" in all_text(shown.response)


# ---------------------------------------------------------------- /trend


async def test_trend_attaches_a_png_chart_with_the_numbers_in_its_description(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "trend", terms="ISIL, drones")
    message = result.response
    (attachment,) = message.attachments
    assert attachment.filename == "trend.png"
    data = await attachment.read()
    assert png_size(data) == (800, 420)
    assert 1_000 < len(data) <= MAX_CHART_BYTES
    library = sim.bot.library
    trend = await library.trend(["ISIL", "drones"])
    for row in trend.rows:
        assert f"{row.meta.symbol} {row.per_10k(0):.1f}" in attachment.description
        assert f"{row.meta.symbol} {row.per_10k(1):.1f}" in attachment.description
    embed = message.embeds[0]
    assert embed.image.url == "attachment://trend.png"
    seventh = next(r for r in trend.rows if r.meta.symbol == SEVENTH)
    assert seventh.counts[1] == 4  # "drones" x3 and "drone" x1 in paragraph 87
    assert f"{seventh.per_10k(1):.1f} (4)" in embed.description
    assert "Da’esh" in plain(embed.description)  # the aliases counted for ISIL are named


async def test_trend_with_too_many_terms_is_a_private_error(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "trend", terms="a1, b2, c3, d4, e5, f6")
    assert result.ephemeral
    assert "at most 5 terms" in result.response.content
    assert sim.env.errors


# ---------------------------------------------------------------- /whatsnew


async def test_whatsnew_lists_new_paragraphs_not_those_with_a_counterpart(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "whatsnew", report="latest")
    text = all_text(result.response)
    cited = await assert_quotes_are_verbatim(sim, result.response.embeds[0].description)
    assert cited == [(SEVENTH, DRONES), (SEVENTH, CURRENCIES)]
    assert "Emerging technologies" in text  # grouped under their heading
    assert f"Compared with {REPORT_2018}" in text  # the rule is stated
    assert "under 0.20" in text
    assert f"{SEVENTH}, para. 6]" not in text  # edited, but it has a counterpart


async def test_whatsnew_accepts_the_sixth_report_in_words(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "whatsnew", report="sixth report")
    assert f"What's new in {REPORT_2018}" in all_text(result.response)
    assert f"Compared with {REPORT_2016}" in all_text(result.response)


# ---------------------------------------------------------------- /cite: references, Cited by


async def test_cite_lists_cited_by_with_a_button_that_opens_the_citing_paragraph(
    sim: Sim,
) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="13")
    text = all_text(result.response)
    assert f"Cited by {SEVENTH}, para. {DRONES}" in text
    label = f"cited by {SEVENTH} ¶{DRONES}"
    assert label in buttons(result.response)
    opened = await sim.bob.click(result.response, label=label)  # anyone may open it
    assert opened.ephemeral
    assert opened.response.embeds[0].title == f"{SEVENTH}, para. {DRONES}"


async def test_a_reference_to_a_held_report_is_a_button_that_opens_that_paragraph(
    sim: Sim,
) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report="latest", paragraph=str(CURRENCIES))
    assert result.response.embeds[0].title == f"{SEVENTH}, para. {CURRENCIES}"
    found = buttons(result.response)
    assert "→ S/2016/501 ¶9" in found
    assert not any("S/2017/573" in label for label in found)  # not held: a link instead
    text = all_text(result.response)
    assert "[S/2017/573, para. 20](https://undocs.org/en/S/2017/573)" in text
    opened = await sim.alice.click(result.response, label="→ S/2016/501 ¶9")
    assert opened.response.embeds[0].title == "S/2016/501, para. 9"
    (paragraph,) = await sim.bot.library.cite(REPORT_2016, 9)
    assert paragraph.text in plain(opened.response.embeds[0].description)


async def test_cite_accepts_series_words(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report="the previous report", paragraph="1")
    assert result.response.embeds[0].title == f"{REPORT_2018}, para. 1"


# ---------------------------------------------------------------- /reports


async def test_reports_shows_each_reports_place_in_the_series(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "reports")
    text = all_text(result.response)
    assert "Second report · 1 of 3 held" in text
    assert "Sixth report · 2 of 3 held · previous" in text
    assert "Seventh report · 3 of 3 held · latest" in text
    assert re.search(r"S/2016/501.*\n.*\n\n.*S/2018/80", text)


async def test_a_reference_button_to_a_removed_report_answers_privately(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=SEVENTH, paragraph=str(CURRENCIES))
    await sim.bot.library.remove(REPORT_2016)
    with caplog.at_level("INFO", logger="reportbot.commands"):
        opened = await sim.alice.click(result.response, label="→ S/2016/501 ¶9")
    assert opened.ephemeral
    assert "no report S/2016/501" in opened.response.content
    # reported through the tree's error path (one command log line), not lost
    assert any(
        "LinkButton" in r.getMessage() and "user_error" in r.getMessage() for r in caplog.records
    )


async def test_buttons_under_a_shown_paragraph_open_further_paragraphs(sim: Sim) -> None:
    cited = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="13")
    citing = await sim.alice.click(cited.response, label=f"cited by {SEVENTH} ¶{DRONES}")
    assert citing.ephemeral
    back = await sim.alice.click(citing.response, label="→ S/2018/80 ¶13")
    assert back.response.embeds[0].title == f"{REPORT_2018}, para. 13"


async def test_ask_report_option_and_question_accept_series_words(sim: Sim) -> None:
    by_option = await sim.alice.slash(
        sim.channel, "ask", question="oil revenue", report="the previous report"
    )
    cited = await assert_quotes_are_verbatim(sim, by_option.response.embeds[0].description)
    assert {report for report, _ in cited} == {REPORT_2018}
    in_question = await sim.alice.slash(
        sim.channel, "ask", question="what did the second report say about oil revenue"
    )
    embed = in_question.response.embeds[0]
    assert embed.title == "Results for “what did the second report say about oil revenue”"
    cited = await assert_quotes_are_verbatim(sim, embed.description)
    assert {report for report, _ in cited} == {REPORT_2016}


async def test_a_timeline_of_common_words_says_why_every_report_is_silent(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "timeline", question="the of and")
    assert all_text(result.response).count("silent on this") == 3
    footer = result.response.embeds[-1].footer.text
    assert footer.startswith("3 of 3 reports (3 silent)\n")
    assert len(footer.splitlines()[1]) > 10  # the reason, from the query parser


async def test_a_reference_button_from_before_a_restart_still_opens_its_paragraph(
    sim: Sim,
) -> None:
    """The button's custom ID carries the paragraph: a fresh bot answers it, never "failed"."""
    from bot import create_bot

    result = await sim.alice.slash(sim.channel, "cite", report="latest", paragraph=str(CURRENCIES))
    old = sim.bot
    fresh = create_bot(old.settings)
    try:
        await sim.env.restart_bot(fresh)
        await old.close()
        opened = await sim.bob.click(result.response, label="→ S/2016/501 ¶9")
        assert opened.ephemeral
        assert opened.response.embeds[0].title == "S/2016/501, para. 9"
    finally:
        await fresh.close()
