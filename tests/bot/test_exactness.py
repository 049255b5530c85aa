"""Two promises the shipped reports cannot test on their own: quotes stay exact where Unicode
normalisation would change them, and /cite refuses more than ten paragraphs at a time."""

from __future__ import annotations

import pytest

from tests.bot.conftest import REPORT_2018, Sim
from tests.bot.test_admin import SYMBOL, ingest, synthetic_report
from tests.bot.test_ask import assert_quotes_are_verbatim
from tests.retrieval.test_verbatim import FILLER

ODD_PARAGRAPHS = [
    "Hawala brokers moved the \ufb01nance of the cafe\u0301 and caf\u00e9 owners,"
    " \uff12\uff10 times.",
    "Couriers crossed the \u212bngstr\u00f6m border with \u216b hawala ledgers\u2122"
    " and \ufb02ows.",
]


async def test_quotes_of_unnormalised_text_are_verbatim(sim: Sim) -> None:
    added = await ingest(sim, synthetic_report(ODD_PARAGRAPHS + FILLER))
    assert "Added" in added.response.content
    result = await sim.alice.slash(sim.channel, "ask", question="hawala brokers couriers ledgers")
    description = result.response.embeds[0].description
    cited = await assert_quotes_are_verbatim(sim, description)
    assert {(SYMBOL, 1), (SYMBOL, 2)} <= set(cited)
    for text in ODD_PARAGRAPHS:  # the odd characters reach Discord as written
        assert (await sim.bot.library.cite(SYMBOL, ODD_PARAGRAPHS.index(text) + 1))[0].text == text


@pytest.mark.parametrize("span", ["1-11", "20-40", "5-15"])
async def test_cite_refuses_more_than_ten_paragraphs(sim: Sim, span: str) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph=span)
    assert result.ephemeral
    assert "at most 10 paragraphs" in result.response.content
    assert len(sim.env.errors) == 1


async def test_cite_accepts_exactly_ten_paragraphs(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="1-10")
    assert not result.ephemeral
    shown = "\n".join(e.title or "" for e in result.response.embeds)
    assert f"{REPORT_2018}, para. 1" in shown
