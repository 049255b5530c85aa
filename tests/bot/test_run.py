"""`reportbot run` in a real subprocess: signals stop it cleanly, refused tokens stop it for good.

Only Discord's network calls are stubbed (tests/bot/stubbed_run.py); the CLI, runner, signal
handlers, heartbeat and the bot's database lifetime are the real ones.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import discord
import pytest
import simcord
from discord.ext import commands

from bot.health import Heartbeat, judge_heartbeat
from bot.rejection import fingerprint
from bot.runner import EXIT_CONFIG, login_identity, take_heartbeat
from bot.settings import Secret, Settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTAwMA.sentinel-token-never-to-be-printed.abcdef"
START_TIMEOUT_S = 60.0  # the real bot builds its database from the bundled corpus on first start


class Launched:
    """A running stubbed `reportbot run`, with its output collected on exit."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str], args: list[str]) -> None:
        self.tmp_path = tmp_path
        self.heartbeat = tmp_path / "heartbeat.json"
        self.connected = tmp_path / "connected"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "DISCORD_TOKEN": TOKEN,
            "REPORTBOT_DB": str(tmp_path / "reportbot.sqlite3"),
            "REPORTBOT_HEARTBEAT_FILE": str(self.heartbeat),
            "STUB_CONNECTED_FILE": str(self.connected),
            **extra_env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.bot.stubbed_run", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_running(self) -> Heartbeat:
        """Wait until the stub's connect() runs (login and setup_hook are over); the heartbeat."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited {self.process.returncode}: {self.output()}")
            if self.connected.exists():
                return Heartbeat.from_json(self.heartbeat.read_text(encoding="utf-8"))
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError(f"never started: {self.output()}")

    def finish(self, timeout_s: float = 30.0) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout_s)
        return self.process.returncode, out, err

    def output(self) -> str:
        self.process.kill()
        out, err = self.process.communicate()
        return out + err


def _real_factory_available() -> bool:
    try:
        import bot.client  # noqa: F401
    except ImportError:
        return False
    return True


FACTORIES = [
    "minimal",
    pytest.param(
        "real",
        marks=pytest.mark.skipif(
            not _real_factory_available(), reason="bot.client or the library not written yet"
        ),
    ),
]


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_closes_bot_and_database_and_exits_0_within_2s(tmp_path, factory, signum) -> None:
    run = Launched(tmp_path, {"STUB_FACTORY": factory}, [])
    beat = run.wait_until_running()
    assert beat.pid == run.process.pid
    assert not beat.connected  # the stub never opens a gateway websocket

    sent = time.monotonic()
    run.process.send_signal(signum)
    status, out, err = run.finish(timeout_s=10)
    took_s = time.monotonic() - sent

    assert status == 0, out + err
    assert took_s < 2.0
    assert f"received {signum.name}" in out
    assert "STUB: threads left []" in err  # no aiosqlite worker (or anything else) left behind
    assert "STUB: heartbeat left False" in err
    if factory == "minimal":
        assert "STUB: database closed" in err


def test_a_signal_during_a_hanging_login_exits_0_at_once(tmp_path) -> None:
    run = Launched(tmp_path, {"STUB_FACTORY": "minimal", "STUB_LOGIN": "hang"}, [])
    run.wait_until_running()
    sent = time.monotonic()
    run.process.send_signal(signal.SIGTERM)
    status, out, err = run.finish(timeout_s=10)
    assert status == 0, out + err
    assert time.monotonic() - sent < 1.0  # no waiting for the grace period
    assert "STUB: database open" not in err
    assert "STUB: threads left []" in err


def test_logs_go_to_stdout_in_plain_format_without_the_token(tmp_path) -> None:
    run = Launched(tmp_path, {"STUB_FACTORY": "minimal", "REPORTBOT_LOG_LEVEL": "DEBUG"}, [])
    run.wait_until_running()
    run.process.send_signal(signal.SIGTERM)
    status, out, err = run.finish()

    assert status == 0
    assert "] [INFO    ] discord.client: logging in using static token" in out
    assert "] [INFO    ] reportbot.runner: stopped with exit status 0" in out
    assert "] [INFO    ] reportbot.commands: command=stub outcome=ok" in out
    assert "\x1b[" not in out  # no colour codes in collected logs
    assert TOKEN not in out + err
    assert TOKEN.split(".")[1] not in out + err


def test_refused_token_exits_78_and_later_starts_do_not_log_in(tmp_path) -> None:
    env = {"STUB_FACTORY": "minimal", "STUB_LOGIN": "reject"}
    status, out, err = Launched(tmp_path, env, []).finish()

    assert status == EXIT_CONFIG == 78
    assert "Discord refused the token" in out
    assert err.count("STUB: login attempt") == 1
    marker = tmp_path / "reportbot.rejected-token"
    identity = login_identity(Settings(token=Secret(TOKEN)))
    assert json.loads(marker.read_text())["sha256"] == fingerprint(identity)
    assert TOKEN not in marker.read_text() + out + err

    status, out, err = Launched(tmp_path, env, []).finish()  # a restart with the same token
    assert status == 78
    assert "already rejected this token" in out
    assert "STUB: login attempt" not in err  # Discord is not asked again


def test_a_new_token_clears_the_rejection(tmp_path) -> None:
    env = {"STUB_FACTORY": "minimal", "STUB_LOGIN": "reject"}
    assert Launched(tmp_path, env, []).finish()[0] == 78

    run = Launched(tmp_path, {"STUB_FACTORY": "minimal", "DISCORD_TOKEN": "another.token"}, [])
    run.wait_until_running()
    run.process.send_signal(signal.SIGTERM)
    status, _, err = run.finish()
    assert status == 0
    assert "STUB: login attempt" in err
    assert not (tmp_path / "reportbot.rejected-token").exists()


def test_new_shard_settings_clear_a_sharding_refusal(tmp_path) -> None:
    """Gateway close 4011 (sharding required) is fixed by sharding, with the same token."""
    env = {"STUB_FACTORY": "minimal", "STUB_CONNECT": "close:4011"}
    assert Launched(tmp_path, env, []).finish()[0] == 78
    status, out, err = Launched(tmp_path, env, []).finish()
    assert status == 78
    assert "STUB: login attempt" not in err

    run = Launched(tmp_path, {"STUB_FACTORY": "minimal"}, ["--shard-count", "2"])
    run.wait_until_running()
    run.process.send_signal(signal.SIGTERM)
    status, out, err = run.finish()
    assert status == 0, out + err
    assert "STUB: login attempt" in err


def test_missing_privileged_intents_exit_78_with_a_clear_message(tmp_path) -> None:
    env = {"STUB_FACTORY": "minimal", "STUB_CONNECT": "intents"}
    status, out, err = Launched(tmp_path, env, []).finish()
    assert status == 78
    assert "privileged intents" in out
    assert "Developer Portal" in out
    assert "STUB: database closed" in err


@pytest.mark.parametrize(
    ("close_code", "status", "remembered"),
    [(4004, 78, True), (4014, 78, True), (4011, 78, True), (4000, 1, False), (1006, 1, False)],
)
def test_gateway_close_codes_that_need_a_fix_exit_78(tmp_path, close_code, status, remembered):
    env = {"STUB_FACTORY": "minimal", "STUB_CONNECT": f"close:{close_code}"}
    got, out, err = Launched(tmp_path, env, []).finish()
    assert got == status, out + err
    assert (tmp_path / "reportbot.rejected-token").exists() is remembered
    assert f"{close_code}" in out
    assert "STUB: database closed" in err


def test_a_replica_without_its_database_says_so_in_one_line(tmp_path) -> None:
    env = {"STUB_FACTORY": "real", "REPORTBOT_READ_ONLY": "1"}
    status, out, err = Launched(tmp_path, env, []).finish()
    assert status == 1
    assert "reportbot.runner: cannot start:" in out
    assert "does not exist" in out
    assert "Traceback" not in out + err
    assert not (tmp_path / "reportbot.sqlite3").exists()


def test_run_without_a_token_says_what_to_set_and_exits_2(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "REPORTBOT_DB": str(tmp_path / "x.sqlite3")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "DISCORD_TOKEN_FILE" in result.stderr
    assert "Traceback" not in result.stderr


def _bots() -> list[commands.Bot]:
    intents = discord.Intents.default()
    return [
        commands.Bot(command_prefix="!", intents=intents),
        commands.AutoShardedBot(
            command_prefix="!", intents=intents, shard_count=3, shard_ids=[0, 2]
        ),
    ]


@pytest.mark.parametrize("kind", [0, 1], ids=["plain", "sharded"])
async def test_heartbeat_is_healthy_while_connected_and_not_after_close(kind: int) -> None:
    """SimCord runs the gateway offline; the heartbeat must follow the real connection state."""
    bot = _bots()[kind]
    async with simcord.run(bot):
        live = take_heartbeat(bot, now=1000.0)
    await bot.close()
    closed = take_heartbeat(bot, now=1000.0)

    assert judge_heartbeat(live, now=1010.0) is None
    assert live.shards == ((0, 2) if kind else ())
    assert not closed.connected
    assert judge_heartbeat(closed, now=1010.0) == "the bot is not connected to the Discord gateway"


def test_heartbeat_of_a_bot_that_never_connected_is_not_connected() -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    beat = take_heartbeat(bot, now=123.0)
    assert beat == Heartbeat(
        time=123.0, connected=False, ready=False, latency_ms=None, pid=os.getpid()
    )


@pytest.mark.skipif(
    not _real_factory_available(), reason="bot.client or the library not written yet"
)
def test_shard_settings_reach_the_bot() -> None:
    from bot.client import create_bot

    bot = create_bot(Settings(shard_count=4, shard_ids=(1, 3)))
    assert isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_count == 4
    assert bot.shard_ids == [1, 3]
    plain = create_bot(Settings())
    assert not isinstance(plain, commands.AutoShardedBot)


def test_a_read_only_replica_is_never_written(tmp_path) -> None:
    """REPORTBOT_READ_ONLY=1: the shipped file (WAL switched off, as documented) stays as it was."""
    import asyncio
    import hashlib
    import sqlite3

    from retrieval.library import Library

    db = tmp_path / "reportbot.sqlite3"

    async def build() -> None:
        await (await Library.open(db)).close()

    asyncio.run(build())
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    files_before = sorted(p.name for p in tmp_path.iterdir())

    run = Launched(tmp_path, {"STUB_FACTORY": "real", "REPORTBOT_READ_ONLY": "1"}, [])
    run.wait_until_running()
    run.process.send_signal(signal.SIGTERM)
    status, out, err = run.finish()

    assert status == 0, out + err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    files_after = sorted(p.name for p in tmp_path.iterdir() if p.name != "connected")
    assert files_after == files_before  # no -wal, -shm or journal appeared
