"""A database that breaks under the running bot: the member gets a short private message without
paths, the operator an ERROR log line naming the file; a refused write is never reported done."""

from __future__ import annotations

import asyncio
import logging

import pytest

from retrieval.store import DatabaseFault
from tests.bot.conftest import Sim
from tests.bot.test_admin import ingest, synthetic_report
from tests.retrieval.test_durable import corrupt_database, delete_database


def error_text(caplog: pytest.LogCaptureFixture) -> str:
    """The ERROR records of the bot's log, with their tracebacks, as an operator sees them."""
    handler = logging.Formatter()
    return "\n".join(handler.format(r) for r in caplog.records if r.levelno >= logging.ERROR)


def faults(sim: Sim) -> int:
    """How many DatabaseFaults reached the bot's error handler (reading them acknowledges)."""
    return sum(isinstance(getattr(e, "original", e), DatabaseFault) for e in sim.env.errors)


async def test_ingest_into_a_deleted_database_is_refused_out_loud(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    path = sim.bot.settings.db_path
    await asyncio.to_thread(delete_database, path)
    result = await ingest(sim, synthetic_report(["Couriers moved money north."]))
    assert result.ephemeral
    text = result.followups[-1].content if result.followups else result.response.content
    assert text == DatabaseFault.public
    assert "Added" not in text
    assert str(path) not in text
    assert "was deleted" in error_text(caplog)
    assert faults(sim) == 1
    assert str(path) in error_text(caplog)


async def test_corruption_at_run_time_is_an_operator_error(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    path = sim.bot.settings.db_path
    await asyncio.to_thread(corrupt_database, path)
    result = await sim.alice.slash(sim.channel, "ask", question="oil revenue")
    assert result.ephemeral
    assert result.response.content == DatabaseFault.public
    assert str(path) not in result.response.content
    assert "move it aside" not in result.response.content
    assert str(path) in error_text(caplog)
    assert "malformed" in error_text(caplog)
    assert faults(sim) == 1
    outcome = next(r.getMessage() for r in caplog.records if r.name == "reportbot.commands")
    assert outcome.endswith("outcome=error")
    assert not any(
        r.levelno == logging.INFO and "user_error" in r.getMessage() for r in caplog.records
    )
