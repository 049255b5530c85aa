"""Links: to a report's official text, so every citation can be checked at the source, and
the links a report is fetched from (bot/fetching.py; kept apart so that the command line can
tell a link from a file name without importing aiohttp, ~0.1 s of every command's start)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

FETCH_TIMEOUT_S = 30.0  # a fetch of a report's link gives up after this long (seconds)

# Keep "/" (it separates the parts of a UN symbol); encode spaces, parentheses and the rest.
_SAFE_IN_SYMBOL = "/"


def document_url(base_url: str, symbol: str) -> str:
    """Return the address of a report, e.g. https://undocs.org/en/S/2018/80."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + quote(symbol, safe=_SAFE_IN_SYMBOL)


def is_link(text: str) -> bool:
    """Say whether a command-line argument is a link rather than a file name."""
    return urlsplit(text).scheme.lower() in ("http", "https") and "://" in text
