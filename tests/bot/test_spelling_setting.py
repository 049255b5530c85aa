"""REPORTBOT_SPELLING=on reaches the bot: /ask reads a typed word no paragraph holds as the
reports' word, and the reply says so (semantic layer off: a typo otherwise matches nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from tests.bot.conftest import Sim, all_text


@pytest.fixture
def settings(bundled_db: Path) -> Settings:
    return Settings(db_path=bundled_db, semantic=False, spelling=True)


async def test_ask_reads_a_typo_and_says_how(sim: Sim) -> None:
    result = await sim.alice.slash(sim.channel, "ask", question="finacing")
    text = all_text(result.response)
    assert "Read “finacing” as “financing”." in text
    assert "S/2018/80, para." in text
