"""Links to a report's official text, so every citation can be checked at the source."""

from __future__ import annotations

from urllib.parse import quote

# Keep "/" (it separates the parts of a UN symbol); encode spaces, parentheses and the rest.
_SAFE_IN_SYMBOL = "/"


def document_url(base_url: str, symbol: str) -> str:
    """Return the address of a report, e.g. https://undocs.org/en/S/2018/80."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + quote(symbol, safe=_SAFE_IN_SYMBOL)
