"""Fetch a report from a link: HTTPS only, few redirects, a size cap, a timeout, a checked type.

For the bot, links must also lead to public addresses (every hop, names checked as resolved): a
member who may add reports must not make the bot read the host's own network (a cloud metadata
service, an admin page on localhost). The command line, run by the operator, fetches anything.

The bytes go to the same `Library.ingest` as a file's, so a fetched PDF or web page is read
exactly like an uploaded one. Every way a fetch can fail is a FetchError that says why.
Certificates are checked against the system's trust store; a team behind a TLS-inspecting
proxy points SSL_CERT_FILE at its CA (read per fetch, as OpenSSL reads it).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.connector import NEEDS_CLEANUP_CLOSED
from aiohttp.resolver import DefaultResolver

from bot.links import FETCH_TIMEOUT_S
from corpus.errors import UserError

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
_UNSAID = frozenset({"", "application/octet-stream", "binary/octet-stream"})


PRIVATE_REFUSED = (
    "links to private or local addresses are not fetched (REPORTBOT_ALLOW_PRIVATE_LINKS=1 "
    "allows them, for reports on a team's own network)"
)


class FetchError(UserError):
    """A link could not be fetched; the message names the link and the reason."""


class _PrivateAddress(OSError):
    """A host name that resolves to no public address."""


class _PublicOnly(AbstractResolver):
    """The system's resolver, keeping only public addresses (so a name cannot point the bot at
    127.0.0.1 or 169.254.169.254, whatever the link says)."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = [r for r in await self._inner.resolve(host, port, family) if _is_public(r["host"])]
        if not found:
            raise _PrivateAddress(f"{host} has no public address")
        return found

    async def close(self) -> None:
        await self._inner.close()


def _is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


@dataclass(frozen=True)
class Fetched:
    url: str  # where the bytes came from, after redirects
    data: bytes
    kind: str  # "pdf", "html" or "text", from the bytes and the header together


async def fetch_report(
    url: str, *, max_bytes: int, timeout_s: float = FETCH_TIMEOUT_S, public_only: bool = False
) -> Fetched:
    """GET a report over HTTPS; FetchError unless it comes whole, in time, of a kind we read
    (and, with `public_only`, from public addresses only)."""
    _check_target(url, url, public_only)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    context = ssl.create_default_context()  # per call, so SSL_CERT_FILE is honoured
    # One fetch, one connection: closed as soon as each response is read, so no TLS transport
    # outlives the session (asyncio.run closes its loop right after `reportbot ingest URL`).
    # A TLS close waits for the server's close_notify, which a busy server may send late:
    # enable_cleanup_closed aborts such a connection when the session closes, so its socket
    # cannot outlive the event loop (aiohttp's remedy; Pythons that fixed the leak, 3.12.8+
    # and 3.13.1+, do not need it, and aiohttp's own flag says which those are).
    connector = aiohttp.TCPConnector(
        force_close=True,
        enable_cleanup_closed=NEEDS_CLEANUP_CLOSED,
        resolver=_PublicOnly() if public_only else None,
    )
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            return await _follow(session, url, max_bytes, context, public_only)
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout_s:g} s (timed out)") from None
    except aiohttp.ClientSSLError as error:
        raise FetchError(f"{url}: the secure connection failed ({_reason(error)})") from None
    except aiohttp.ClientConnectorError as error:
        if isinstance(error.os_error, _PrivateAddress):
            raise FetchError(f"{url}: {error.os_error}; {PRIVATE_REFUSED}") from None
        raise FetchError(f"{url}: cannot fetch it ({_reason(error)})") from None
    except aiohttp.ClientError as error:
        raise FetchError(f"{url}: cannot fetch it ({_reason(error)})") from None


async def _follow(
    session: aiohttp.ClientSession,
    url: str,
    max_bytes: int,
    context: ssl.SSLContext,
    public_only: bool,
) -> Fetched:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        async with session.get(current, allow_redirects=False, ssl=context) as response:
            if response.status in _REDIRECTS and "Location" in response.headers:
                current = urljoin(current, response.headers["Location"])
                _check_target(url, current, public_only)
                continue
            if response.status != 200:
                raise FetchError(
                    f"{url}: the server answered {response.status} {response.reason or ''}".rstrip()
                )
            data = await _read_capped(response, url, max_bytes)
            return Fetched(current, data, _kind(url, response.content_type, data))
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects (a redirect loop?)")


def _check_target(url: str, target: str, public_only: bool) -> None:
    """HTTPS only; with `public_only`, no address written into the link that is not public (a
    name is checked when it is resolved, by _PublicOnly)."""
    where = "" if target == url else f" (it redirects to {target})"
    parts = urlsplit(target)
    if parts.scheme.lower() != "https":
        raise FetchError(f"{url}: only https:// links are fetched{where}")
    host = parts.hostname or ""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None  # a name (or a form of address aiohttp refuses on its own)
    if public_only and literal is not None and not literal.is_global:
        raise FetchError(f"{url}: {host} is not a public address{where}; {PRIVATE_REFUSED}")


async def _read_capped(response: aiohttp.ClientResponse, url: str, max_bytes: int) -> bytes:
    """The body; refused as soon as it exceeds max_bytes (at most one byte more is read)."""
    too_big = FetchError(
        f"{url}: the document is larger than {max_bytes:,} bytes (REPORTBOT_MAX_UPLOAD_BYTES)"
    )
    if response.content_length is not None and response.content_length > max_bytes:
        raise too_big
    parts: list[bytes] = []
    received = 0
    while received <= max_bytes:
        chunk = await response.content.read(min(_CHUNK, max_bytes + 1 - received))
        if not chunk:
            break
        parts.append(chunk)
        received += len(chunk)
    if received > max_bytes:
        raise too_big
    return b"".join(parts)


def _kind(url: str, content_type: str, data: bytes) -> str:
    """What the bytes are, when the header agrees (or says nothing useful)."""
    head = data[:1024]
    sniffed = "pdf" if b"%PDF-" in head else "html" if _looks_like_html(head) else "text"
    said = (
        "pdf"
        if content_type in _PDF_TYPES
        else "html"
        if content_type in _HTML_TYPES
        else "text"
        if content_type in _TEXT_TYPES
        else None
    )
    if said is None and content_type not in _UNSAID:
        raise FetchError(
            f"{url}: the server sent {content_type}, not a report (a PDF, a web page or text)"
        )
    # Text and HTML are both read as text (markup is recognised there); a PDF must be one.
    if said is not None and said != sniffed and "pdf" in (said, sniffed):
        raise FetchError(
            f"{url}: the server says {content_type} but sent {_NAMES[sniffed]}; refusing it"
        )
    return sniffed


_NAMES = {"pdf": "a PDF", "html": "a web page", "text": "plain text"}


def _looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip().lower()
    return lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__
