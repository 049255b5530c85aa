"""How the bot opens its library: as a process that answers many questions, so the stored
index is faulted in behind the open (a one-shot CLI command leaves that off)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from retrieval.library import Library
from tests.bot.conftest import Sim

OPENED: list[dict[str, Any]] = []


@pytest.fixture
def open_library() -> Callable[..., Any]:
    OPENED.clear()

    async def recording_open(path: Path, **kwargs: Any) -> Library:
        OPENED.append(kwargs)
        return await Library.open(path, **kwargs)

    return recording_open


async def test_the_bot_opens_its_library_with_the_index_faulted_in(sim: Sim) -> None:
    assert [opened.get("warm_index") for opened in OPENED] == [True]
    answer = await sim.env.bot.library.ask("oil revenues", k=1)  # type: ignore[attr-defined]
    assert answer.hits
