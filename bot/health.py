"""`reportbot health`: is the database usable and, if the bot runs, is its gateway alive?

A bot has no port to probe, so the runner writes a heartbeat file and this check reads it.
The Docker HEALTHCHECK runs this; exit 0 is healthy, 1 is not, and one line says why.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.settings import Settings
from retrieval.library import Library

HEARTBEAT_INTERVAL_S = 15.0  # how often the runner rewrites the file
HEARTBEAT_MAX_AGE_S = 60.0  # older than this: the loop is stuck or the process is gone
PROBE_QUESTION = "ISIL financing"  # any question will do; it must run, not match


@dataclass(frozen=True)
class Heartbeat:
    """What the runner knows about its gateway at one moment (the file's JSON object)."""

    time: float  # Unix seconds
    connected: bool  # every gateway websocket is open
    ready: bool  # Discord has sent READY: guilds are known, commands are answered
    latency_ms: float | None  # last heartbeat round trip; None before the first one
    pid: int
    shards: tuple[int, ...] = ()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Heartbeat:
        """Parse a heartbeat file; ValueError if it is not one (say, half-written by hand)."""
        try:
            data = json.loads(text)
            latency = data["latency_ms"]
            return cls(
                time=float(data["time"]),
                connected=bool(data["connected"]),
                ready=bool(data["ready"]),
                latency_ms=None if latency is None else float(latency),
                pid=int(data["pid"]),
                shards=tuple(int(s) for s in data.get("shards", ())),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a heartbeat: {exc}") from None


def judge_heartbeat(
    beat: Heartbeat, now: float, max_age_s: float = HEARTBEAT_MAX_AGE_S
) -> str | None:
    """Return why this heartbeat is unhealthy, or None when it is fresh and connected."""
    age_s = now - beat.time
    if age_s > max_age_s:
        return f"heartbeat is {age_s:.0f} s old (limit {max_age_s:.0f} s): the bot is stuck or gone"
    if not beat.connected:
        return "the bot is not connected to the Discord gateway"
    if not beat.ready:
        return "the bot is connected but Discord has not sent READY yet"
    if beat.latency_ms is None or not math.isfinite(beat.latency_ms):
        return "the gateway has not acknowledged a heartbeat"
    return None


def write_heartbeat(path: Path, beat: Heartbeat) -> None:
    """Replace the file atomically, so the health check never reads half a heartbeat."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(beat.to_json(), encoding="utf-8")
    os.replace(partial, path)


def read_heartbeat(path: Path) -> Heartbeat | None:
    """The heartbeat in `path`, or None when there is none (the bot is not running here)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return Heartbeat.from_json(text)


async def check_database(settings: Settings) -> str | None:
    """Open the database read-only, without building it, and ask one question."""
    if not settings.db_path.is_file():
        return f"no database at {settings.db_path} (the bot builds it on first start)"
    try:
        async with await Library.open(
            settings.db_path, bootstrap=False, read_only=True, semantic=False
        ) as library:
            if not await library.reports():
                return f"the database at {settings.db_path} holds no reports"
            await library.ask(PROBE_QUESTION)
    except Exception as exc:  # any failure is the answer; the check must not crash
        return f"the database at {settings.db_path} does not answer: {type(exc).__name__}: {exc}"
    return None


async def check_health(settings: Settings, now: float) -> str | None:
    """Return the first reason the bot is unhealthy, or None when all is well."""
    problem = await check_database(settings)
    if problem is not None:
        return problem
    try:
        beat = read_heartbeat(settings.heartbeat_path)
    except (OSError, ValueError) as exc:
        return f"heartbeat file {settings.heartbeat_path} is unreadable: {exc}"
    if beat is None:
        return None
    return judge_heartbeat(beat, now)
