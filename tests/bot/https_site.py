"""A local HTTPS site for link tests: 127.0.0.1, a certificate from a throwaway CA (trustme).

The site runs on its own thread and event loop, so synchronous CLI tests (which call
`asyncio.run`) and SimCord tests (on the test's loop) can both fetch from it. The client trusts
the CA through SSL_CERT_FILE, the way a team behind a TLS-inspecting proxy would configure it;
the fetching code has no test-only exception for plain http.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from aiohttp import web

DOCUMENTS = Path(__file__).parent.parent / "corpus" / "documents"
SLOW_S = 5.0
BUSY_S = 0.5


@dataclass(frozen=True)
class Site:
    base: str  # "https://127.0.0.1:PORT"
    max_bytes: int

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _app(max_bytes: int) -> web.Application:
    pdf = (DOCUMENTS / "S-2018-80.pdf").read_bytes()

    async def report_pdf(_: web.Request) -> web.Response:
        return web.Response(body=pdf, content_type="application/pdf")

    async def page(_: web.Request) -> web.Response:
        body = "<!DOCTYPE html><html><body><nav>Home</nav><p>No report here.</p></body></html>"
        return web.Response(text=body, content_type="text/html")

    async def disguised(_: web.Request) -> web.Response:
        return web.Response(text="<!DOCTYPE html><html></html>", content_type="application/pdf")

    async def disguised_then_busy(request: web.Request) -> web.StreamResponse:
        # The site's loop is blocked right after the answer goes out, as on a loaded server:
        # the client's TLS close waits BUSY_S for the site's close_notify.
        response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
        await response.prepare(request)
        await response.write(b"<!DOCTYPE html><html></html>")
        await response.write_eof()
        time.sleep(BUSY_S)  # noqa: ASYNC251 - blocking the loop is the point: a busy server
        return response

    async def image(_: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(SLOW_S)
        return web.Response(body=pdf, content_type="application/pdf")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/loop?{len(request.query_string)}x")

    async def moved(_: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/report.pdf")

    async def downgrade(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://{request.host}/report.pdf")

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)  # chunked: no Content-Length to refuse early
        chunk = b"1. Text " * 8192
        for _ in range(max_bytes // len(chunk) + 2):
            await response.write(chunk)
        return response

    async def declared(_: web.Request) -> web.Response:
        return web.Response(body=b"x" * (max_bytes + 1), content_type="text/plain")

    app = web.Application()
    app.router.add_get("/report.pdf", report_pdf)
    app.router.add_get("/page.html", page)
    app.router.add_get("/disguised.pdf", disguised)
    app.router.add_get("/disguised-then-busy.pdf", disguised_then_busy)
    app.router.add_get("/image", image)
    app.router.add_get("/slow.pdf", slow)
    app.router.add_get("/loop", loop)
    app.router.add_get("/moved", moved)
    app.router.add_get("/downgrade", downgrade)
    app.router.add_get("/endless.txt", endless)
    app.router.add_get("/declared.txt", declared)
    return app


@pytest.fixture(scope="module")
def https_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the site on 127.0.0.1 over HTTPS for the module's tests."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    max_bytes = 200_000
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_app(max_bytes), handler_cancellation=True)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSL_CERT_FILE", str(ca_file))
        yield Site(f"https://127.0.0.1:{port}", max_bytes)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()
