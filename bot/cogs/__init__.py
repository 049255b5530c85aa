"""One cog per command family; `add_cogs` is the list the bot loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import ReportBot


async def add_cogs(bot: ReportBot) -> None:
    """Add every cog to the bot (called from setup_hook, once the library is open)."""
    from bot.cogs.admin import Admin
    from bot.cogs.ask import Ask
    from bot.cogs.cite import Cite
    from bot.cogs.reports import Reports
    from bot.cogs.series import Series

    for cog in (Ask(bot), Cite(bot), Reports(bot), Admin(bot), Series(bot)):
        await bot.add_cog(cog)
