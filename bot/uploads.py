"""Read a Discord upload without trusting its declared size: at most the limit plus one byte.

An attachment's `size` is what the client declared; the bytes served can be larger. discord.py's
`Attachment.read()` reads the whole body into memory, so the download is streamed here and cut
off one byte past the limit (enough to know the file is too large).
"""

from __future__ import annotations

from typing import Any

import aiohttp
import discord

from corpus.errors import UserError

CHUNK_BYTES = 64 * 1024


def too_large(filename: str, max_bytes: int, size: int | None = None) -> UserError:
    said = f"is {size:,} bytes" if size is not None else "is larger than it declared"
    return UserError(
        f"“{filename}” {said}; the limit is {max_bytes:,} bytes (REPORTBOT_MAX_UPLOAD_BYTES)."
    )


async def read_upload(attachment: discord.Attachment, max_bytes: int) -> bytes:
    """The attachment's bytes, or a UserError when it declares or turns out over `max_bytes`."""
    if attachment.size > max_bytes:
        raise too_large(attachment.filename, max_bytes, attachment.size)
    session = _session_of(attachment)
    if session is None:  # no live HTTP session (a simulated Discord): discord.py's own read
        data = await attachment.read()
    else:
        data = await read_at_most(session, attachment.url, max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(attachment.filename, max_bytes)
    return data


async def read_at_most(session: aiohttp.ClientSession, url: str, limit_bytes: int) -> bytes:
    """GET `url`, keeping at most `limit_bytes` bytes of the body; the rest is never read."""
    async with session.get(url) as response:
        if response.status != 200:
            raise UserError(f"Discord did not serve the file (HTTP {response.status}); try again.")
        parts: list[bytes] = []
        kept = 0
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            parts.append(chunk[: limit_bytes - kept])
            kept += len(parts[-1])
            if kept >= limit_bytes:
                break
    return b"".join(parts)


def _session_of(attachment: discord.Attachment) -> aiohttp.ClientSession | None:
    # discord.py keeps its aiohttp session private; MISSING (falsy) until it has logged in.
    http: Any = getattr(attachment, "_http", None)
    session = getattr(http, "_HTTPClient__session", None)
    return session if isinstance(session, aiohttp.ClientSession) else None
