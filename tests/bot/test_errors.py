"""An unexpected failure: the user gets a private apology, the log gets the traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from discord import app_commands

from bot.tree import NEEDS_MANAGE_SERVER, SERVER_ONLY, SORRY, describe_error
from corpus.errors import UserError
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
    assert result.ephemeral
    assert result.response.content == SORRY
    assert not [m for m in sim.channel.history(viewer=sim.bob) if m.author.id == sim.bot.user.id]
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


@pytest.mark.parametrize(
    ("error", "text", "outcome"),
    [
        (UserError("No report “X”."), "No report “X”.", "user_error"),
        (
            app_commands.CommandOnCooldown(app_commands.Cooldown(3, 5), 4.2),
            "Slow down: try again in 4 s.",
            "user_error",
        ),
        (app_commands.MissingPermissions(["manage_guild"]), NEEDS_MANAGE_SERVER, "user_error"),
        (app_commands.NoPrivateMessage(), SERVER_ONLY, "user_error"),
        (RuntimeError("secret detail"), SORRY, "error"),
    ],
)
def test_each_error_class_has_its_message(error: Exception, text: str, outcome: str) -> None:
    assert describe_error(error) == (text, outcome)
