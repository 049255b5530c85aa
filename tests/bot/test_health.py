"""`reportbot health`: a usable database, and a fresh, connected heartbeat while the bot runs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.health import (
    HEARTBEAT_MAX_AGE_S,
    Heartbeat,
    check_health,
    judge_heartbeat,
    read_heartbeat,
    write_heartbeat,
)
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_800_000_000.0
GOOD = Heartbeat(time=NOW - 5, connected=True, ready=True, latency_ms=41.5, pid=7)


def _with(**changes: object) -> Heartbeat:
    return Heartbeat(**{**GOOD.__dict__, **changes})  # type: ignore[arg-type]


def test_fresh_connected_ready_heartbeat_is_healthy() -> None:
    assert judge_heartbeat(GOOD, NOW) is None


@pytest.mark.parametrize(
    ("beat", "says"),
    [
        (_with(time=NOW - HEARTBEAT_MAX_AGE_S - 1), "61 s old"),
        (_with(connected=False), "not connected"),
        (_with(ready=False), "READY"),
        (_with(latency_ms=None), "not acknowledged"),
        (_with(latency_ms=float("inf")), "not acknowledged"),
    ],
)
def test_unhealthy_heartbeats_say_why(beat: Heartbeat, says: str) -> None:
    reason = judge_heartbeat(beat, NOW)
    assert reason is not None
    assert says in reason
    assert "\n" not in reason


@given(
    st.builds(
        Heartbeat,
        time=st.floats(0, 4e9),
        connected=st.booleans(),
        ready=st.booleans(),
        latency_ms=st.none() | st.floats(0, 1e6),
        pid=st.integers(1, 2**22),
        shards=st.lists(st.integers(0, 100), max_size=5).map(tuple),
    )
)
def test_heartbeat_survives_its_file_format(beat: Heartbeat) -> None:
    assert Heartbeat.from_json(beat.to_json()) == beat


@pytest.mark.parametrize("text", ["", "{}", "[1]", '{"time": "x"}', "not json"])
def test_a_file_that_is_not_a_heartbeat_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="heartbeat"):
        Heartbeat.from_json(text)


def test_write_then_read_and_no_temporary_left(tmp_path: Path) -> None:
    path = tmp_path / "hb.json"
    assert read_heartbeat(path) is None
    write_heartbeat(path, GOOD)
    write_heartbeat(path, _with(time=NOW))
    assert read_heartbeat(path) == _with(time=NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["hb.json"]


def test_missing_database_is_unhealthy_and_not_created(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "none.sqlite3", heartbeat_path=tmp_path / "hb")
    reason = asyncio.run(check_health(settings, NOW))
    assert reason is not None
    assert "no database" in reason
    assert not settings.db_path.exists()


def test_health_command_exits_1_with_one_line(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "REPORTBOT_DB": str(tmp_path / "none.sqlite3"),
        "REPORTBOT_HEARTBEAT_FILE": str(tmp_path / "hb.json"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("unhealthy: no database at")


def test_a_built_database_is_healthy_without_a_heartbeat(bundled_db: Path, tmp_path: Path) -> None:
    before = bundled_db.stat().st_mtime_ns
    settings = Settings(db_path=bundled_db, heartbeat_path=tmp_path / "absent.json")
    assert asyncio.run(check_health(settings, NOW)) is None
    assert bundled_db.stat().st_mtime_ns == before  # read-only: the check writes nothing


@pytest.mark.parametrize(
    ("beat", "healthy"),
    [(GOOD, True), (_with(connected=False), False), (_with(time=NOW - 600), False)],
)
def test_a_heartbeat_file_decides_when_present(
    bundled_db: Path, tmp_path: Path, beat: Heartbeat, healthy: bool
) -> None:
    settings = Settings(db_path=bundled_db, heartbeat_path=tmp_path / "hb.json")
    write_heartbeat(settings.heartbeat_path, beat)
    assert (asyncio.run(check_health(settings, NOW)) is None) is healthy


def test_a_corrupt_database_is_unhealthy(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    reason = asyncio.run(check_health(Settings(db_path=bad, heartbeat_path=tmp_path / "h"), NOW))
    assert reason is not None
    assert "does not answer" in reason
