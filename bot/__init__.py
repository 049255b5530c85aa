"""The edges: Discord and the command line; the only package that imports discord."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.client import ReportBot, create_bot
    from bot.settings import Settings

__all__ = ["ReportBot", "Settings", "create_bot"]


def __getattr__(name: str) -> Any:
    """Import lazily, so offline commands (`reportbot ask`) do not pay for importing discord."""
    if name in {"ReportBot", "create_bot"}:
        from bot import client

        return getattr(client, name)
    if name == "Settings":
        from bot.settings import Settings

        return Settings
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
