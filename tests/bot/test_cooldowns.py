"""The /ask cooldown forgets idle users: a bot that meets many people does not grow forever."""

from __future__ import annotations

import datetime as dt

import pytest
from discord import app_commands

from tests.bot.conftest import Sim

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_the_cooldown_map_is_pruned_after_a_window(sim: Sim) -> None:
    cog = sim.bot.get_cog("Ask")
    window = sim.bot.settings.ask_cooldown_s
    for user in range(5_000):
        cog.spend_cooldown(user, T0)
    assert len(cog._cooldowns) == 5_000
    cog.spend_cooldown(99_999, T0 + dt.timedelta(seconds=window + 1))
    assert len(cog._cooldowns) == 1


def test_pruning_keeps_users_still_in_their_window(sim: Sim) -> None:
    cog = sim.bot.get_cog("Ask")
    rate, window = sim.bot.settings.ask_cooldown_rate, sim.bot.settings.ask_cooldown_s
    for user in range(100):
        cog.spend_cooldown(user, T0)
    later = T0 + dt.timedelta(seconds=window * 0.9)
    for _ in range(rate):
        cog.spend_cooldown(500, later)  # user 500 uses up a window that is still open below
    after = later + dt.timedelta(seconds=window * 0.2)  # past T0's window: a prune runs
    cog.spend_cooldown(8, after)
    assert len(cog._cooldowns) == 2  # users 0..99 forgotten (but 8, who just asked), 500 kept
    with pytest.raises(app_commands.CommandOnCooldown):
        cog.spend_cooldown(500, after)
