"""The auto-sharded variant answers the same way (Discord requires shards past 2,500 servers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Settings
from bot.client import ShardedReportBot
from tests.bot.conftest import REPORT_2018, Sim


@pytest.fixture
def settings(bundled_db: Path) -> Settings:
    return Settings(db_path=bundled_db, shard_count=2)


async def test_a_sharded_bot_answers_in_a_guild_of_its_second_shard(sim: Sim) -> None:
    assert isinstance(sim.bot, ShardedReportBot)
    guild = sim.env.create_guild("second", shard_id=1)
    channel = guild.create_text_channel("reports")
    carol = guild.add_member(sim.env.create_user("carol"))
    result = await carol.slash(channel, "cite", report=REPORT_2018, paragraph="13")
    assert result.response.embeds[0].title == "S/2018/80, para. 13"
    assert sim.bot.get_guild(guild.id).shard_id == 1
