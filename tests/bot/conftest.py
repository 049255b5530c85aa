"""Fixtures for the Discord layer: the real bot in SimCord, a synced tree, people to act."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import simcord
from simcord.backend import serializers

from bot import Settings, create_bot
from bot.client import ReportBot
from corpus.model import Paragraph, ReportMeta
from retrieval.answer import Answer, Excerpt, Hit, IngestResult, ReportSummary
from retrieval.errors import UnknownParagraph, UnknownReport
from retrieval.library import Library
from retrieval.links import ParagraphLinks, paragraph_references

REPORT_2018 = "S/2018/80"
REPORT_2016 = "S/2016/501"
_ZW = "\u200b"


def plain(rendered: str) -> str:
    """Undo the renderer's escaping, so tests can look for verbatim report text."""
    text = rendered.replace(_ZW, "").replace("**", "")
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"^> ", "", text, flags=re.MULTILINE)


def all_text(message: Any) -> str:
    """Content and every embed part of a sent message, as one string."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or "", embed.url or ""]
        parts += [embed.footer.text or ""] + [f"{f.name} {f.value}" for f in embed.fields]
    return "\n".join(parts)


@dataclass
class Sim:
    """A synced environment with a guild, a channel, an ordinary member and a manager."""

    env: simcord.Env
    guild: Any
    channel: Any
    alice: Any
    bob: Any
    admin: Any

    @property
    def bot(self) -> ReportBot:
        return self.env.bot  # type: ignore[return-value]

    def bot_messages(self) -> list[dict[str, Any]]:
        """The body of every message the bot created or edited (interaction callbacks too)."""
        bodies = []
        for request in self.env.http_requests:
            if request.method not in {"POST", "PATCH"} or not isinstance(request.json, dict):
                continue
            body = request.json.get("data", request.json)
            if isinstance(body, dict) and {"content", "embeds"} & set(body):
                bodies.append({"path": request.path, "type": request.json.get("type"), **body})
        return bodies


@pytest.fixture
def settings(bundled_db: Path) -> Settings:
    """A fresh copy of the bundled corpus per test (tests/conftest.py builds it once)."""
    return Settings(db_path=bundled_db, ask_cooldown_rate=3, ask_cooldown_s=5.0)


@pytest.fixture
def open_library() -> Callable[[Path], Any]:
    return Library.open


@pytest_asyncio.fixture
async def simcord_bot(
    settings: Settings, open_library: Callable[[Path], Any]
) -> AsyncIterator[ReportBot]:
    bot = create_bot(settings, open_library=open_library)
    yield bot
    await bot.close()  # SimCord never closes the bot; aiosqlite's thread would hang pytest


@pytest_asyncio.fixture
async def sim(simcord_env: simcord.Env) -> Sim:
    env = simcord_env
    await env.bot.tree.sync()
    guild = env.create_guild()
    channel = guild.create_text_channel("reports")
    alice = guild.add_member(env.create_user("alice"))
    bob = guild.add_member(env.create_user("bob"))
    managers = guild.create_role("managers", permissions=simcord_permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[managers])
    return Sim(env, guild, channel, alice, bob, admin)


def announce_message_update(sim: Sim, message: Any) -> None:
    """Send the bot a MESSAGE_UPDATE for `message`, as Discord does whenever a message changes
    (an edit, a pin, its embeds refreshed); discord.py then refreshes the message's view."""
    backend = sim.env.backend
    stored = backend.get_message(message.channel_id, message.id)
    backend.emit("MESSAGE_UPDATE", dict(serializers.message_payload(backend, stored)))


def simcord_permissions(**flags: bool) -> Any:
    import discord

    return discord.Permissions(**flags)


# ---------------------------------------------------------------- a library double


class FakeLibrary:
    """The Library interface over hand-made paragraphs; for timing and size cases only."""

    def __init__(self, reports: dict[ReportMeta, Sequence[Paragraph]], delay_s: float = 0) -> None:
        self._reports = {m.symbol: (m, list(ps)) for m, ps in reports.items()}
        self.delay_s = delay_s
        self.calls: list[str] = []

    async def close(self) -> None:
        self.calls.append("close")

    async def reports(self) -> list[ReportSummary]:
        return [
            ReportSummary(m, len(ps), sum(len(p.footnotes) for p in ps))
            for m, ps in self._reports.values()
        ]

    async def resolve_report(self, typed: str) -> str:
        for symbol in self._reports:
            if symbol.lower() == typed.strip().lower():
                return symbol
        raise UnknownReport(f"No report “{typed}”; known: {', '.join(self._reports)}.")

    async def cite(self, report: str, first: int, last: int | None = None) -> list[Paragraph]:
        _, paragraphs = self._reports[await self.resolve_report(report)]
        found = [p for p in paragraphs if first <= p.number <= (last or first)]
        if not found:
            raise UnknownParagraph(f"{report} has no paragraph {first}.")
        return found

    async def export(self, report: str | None = None) -> list[Paragraph]:
        return [p for _, ps in self._reports.values() for p in ps]

    async def paragraph_links(self, report: str, numbers: Sequence[int]) -> list[ParagraphLinks]:
        """What each paragraph cites (nothing is held or cited by: the double has no series)."""
        _, paragraphs = self._reports[await self.resolve_report(report)]
        return [
            ParagraphLinks((p.report, p.number), tuple(paragraph_references(p)), (), ())
            for p in paragraphs
            if p.number in numbers
        ]

    async def ask(
        self, question: str, *, k: int = 3, report: str | None = None, year: int | None = None
    ) -> Answer:
        self.calls.append("ask")
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        words = [w for w in re.findall(r"\w+", question.lower()) if len(w) > 2]
        hits = []
        for meta, paragraphs in self._reports.values():
            for p in paragraphs:
                spans = [m.span() for w in words for m in re.finditer(re.escape(w), p.text.lower())]
                if spans:
                    excerpt = Excerpt(p, 0, len(p.text), tuple(sorted(set(spans))))
                    hits.append(Hit(p, float(len(spans)), excerpt, tuple(words), 1.0, meta.date))
        hits.sort(key=lambda h: -h.score)
        return Answer(question, tuple(hits[:k]), len(hits), 1.0)

    async def ingest(self, data: bytes, **_: Any) -> IngestResult:
        raise NotImplementedError

    async def remove(self, report: str) -> ReportSummary:
        raise NotImplementedError


def fake_opener(library: FakeLibrary) -> Callable[..., Any]:
    async def open_fake(_: Path, **__: Any) -> FakeLibrary:
        return library

    return open_fake


META = ReportMeta("S/2099/1", "A synthetic report", dt.date(2099, 1, 31))
