"""The bounded download behind /ingest, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.uploads import read_at_most
from corpus.errors import UserError

BODY_BYTES = 8_000_000


@pytest.fixture
async def server() -> AsyncIterator[str]:
    sent: list[int] = []

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        chunk = b"x" * 65536
        try:
            for _ in range(BODY_BYTES // len(chunk)):
                await response.write(chunk)
                sent.append(len(chunk))
        except (ConnectionResetError, RuntimeError):
            pass  # the client hung up, as it should
        return response

    async def small(request: web.Request) -> web.Response:
        return web.Response(body=b"1. Short.")

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/big", big)
    app.router.add_get("/small", small)
    app.router.add_get("/missing", missing)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_reads_at_most_the_limit(server: str) -> None:
    async with aiohttp.ClientSession() as session:
        data = await read_at_most(session, f"{server}/big", 5_000_001)
    assert len(data) == 5_000_001


async def test_a_small_body_is_read_whole(server: str) -> None:
    async with aiohttp.ClientSession() as session:
        assert await read_at_most(session, f"{server}/small", 1000) == b"1. Short."


async def test_a_failed_download_says_so(server: str) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(UserError, match="HTTP 404"):
            await read_at_most(session, f"{server}/missing", 1000)
