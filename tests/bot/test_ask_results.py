"""/ask's `results` under a lowered REPORTBOT_MAX_RESULTS: refused with the console's message,
never silently clamped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Settings
from tests.bot.conftest import Sim


@pytest.fixture
def settings(bundled_db: Path) -> Settings:
    return Settings(db_path=bundled_db, default_results=2, max_results=5)


async def test_results_above_the_configured_maximum_are_refused(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="oil revenue", results=8)
    assert result.ephemeral
    assert result.response.content == ("results must be a whole number from 1 to 5; you gave 8.")
    assert len(sim.env.errors) == 1


async def test_results_within_the_maximum_are_honoured(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="oil revenue", results=5)
    assert not result.ephemeral
    assert result.response.embeds[-1].footer.text.startswith("5 of ")
    default = await sim.bob.slash(sim.channel, "ask", question="oil revenue")
    assert default.response.embeds[-1].footer.text.startswith("2 of ")
