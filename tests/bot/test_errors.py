"""An unexpected failure: the user gets a private apology, the log gets the traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.tree import SORRY
from corpus.model import Paragraph
from tests.bot.conftest import META, FakeLibrary, Sim, fake_opener


class BrokenLibrary(FakeLibrary):
    async def ask(self, question: str, **_: Any):  # type: ignore[override]
        raise RuntimeError("disk on fire")


@pytest.fixture
def open_library() -> Callable[..., Any]:
    return fake_opener(BrokenLibrary({META: [Paragraph(META.symbol, 1, "Oil.")]}))


async def test_unexpected_errors_are_private_apologies_and_logged(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    result = await sim.alice.slash(sim.channel, "ask", question="oil")
    assert result.response.content == SORRY
    assert "disk on fire" not in result.response.content
    (error,) = sim.env.errors
    assert "disk on fire" in str(error)
    failure = next(r for r in caplog.records if r.name == "reportbot.bot")
    assert failure.exc_info is not None
    assert failure.getMessage() == "/ask failed"
    line = next(r.getMessage() for r in caplog.records if r.name == "reportbot.commands")
    assert line.endswith("outcome=error")


async def test_cite_still_works_when_search_is_broken(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "cite", report=META.symbol, paragraph="1")
    assert result.response.embeds[0].title == f"{META.symbol}, para. 1"
