"""Reports from links (`reportbot ingest https://…`, `/ingest url:`) against a local HTTPS site."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest

from bot import Settings
from bot.cli import main
from bot.fetching import FetchError, fetch_report
from bot.links import is_link
from tests.bot import https_site as site_module
from tests.bot.conftest import Sim
from tests.bot.https_site import Site

https_site = site_module.https_site  # the module-scoped fixture


@pytest.fixture
def settings(bundled_db: Path) -> Settings:
    """The test site is on 127.0.0.1: the bot may fetch from it only when private links are
    allowed (test_fetching_public.py checks that they are refused by default)."""
    return Settings(db_path=bundled_db, allow_private_links=True)


def run(capsys, db: Path, site: Site, *args: str) -> tuple[int, str, str]:
    env = {"REPORTBOT_MAX_UPLOAD_BYTES": str(site.max_bytes)}
    status = main(["--db", str(db), *args], env=env)
    out, err = capsys.readouterr()
    return status, out, err


def exported(capsys, db: Path, site: Site) -> list[dict]:
    status, out, _ = run(capsys, db, site, "export", "--report", "S/2018/80")
    assert status == 0
    return [json.loads(line) for line in out.splitlines()]


def test_a_linked_pdf_ingests_to_the_same_export(
    capsys, bundled_db: Path, https_site: Site
) -> None:
    before = exported(capsys, bundled_db, https_site)
    url = https_site.url("/report.pdf")
    status, out, err = run(capsys, bundled_db, https_site, "ingest", url)
    assert status == 0, err
    assert out.startswith("S/2018/80: replaced, 86 paragraphs, 67 footnotes")
    assert exported(capsys, bundled_db, https_site) == before


def test_a_redirect_is_followed(capsys, bundled_db: Path, https_site: Site) -> None:
    status, out, err = run(capsys, bundled_db, https_site, "ingest", https_site.url("/moved"))
    assert status == 0, err
    assert out.startswith("S/2018/80: replaced")


BAD_LINKS = {
    "times out": ("/slow.pdf", ["--timeout", "0.5"], "timed out"),
    "redirects in a loop": ("/loop", [], "more than 5 redirects"),
    "returns 404": ("/missing.pdf", [], "answered 404"),
    "sends too many bytes": ("/endless.txt", [], "larger than 200,000 bytes"),
    "declares too many bytes": ("/declared.txt", [], "larger than 200,000 bytes"),
    "redirects to plain http": ("/downgrade", [], "only https:// links"),
    "lies about its type": ("/disguised.pdf", [], "says application/pdf but sent a web page"),
    "sends an image": ("/image", [], "sent image/png, not a report"),
    "serves a page with no report": ("/page.html", [], "HTML page has no numbered paragraphs"),
}


@pytest.mark.parametrize(("path", "flags", "says"), BAD_LINKS.values(), ids=list(BAD_LINKS))
def test_a_failed_fetch_says_why_and_changes_nothing(
    capsys, bundled_db: Path, https_site: Site, table_checksums, path, flags, says
) -> None:
    before = table_checksums(bundled_db)
    url = https_site.url(path)
    status, out, err = run(capsys, bundled_db, https_site, "ingest", url, *flags)
    assert status == 2
    assert out == ""
    assert err.startswith(f"reportbot: {url}: ")
    assert says in err
    assert "Traceback" not in err
    assert table_checksums(bundled_db) == before


def test_a_failed_fetch_leaves_no_connection_open(capsys, bundled_db: Path, https_site: Site):
    """`reportbot ingest URL` ends its event loop as soon as the fetch fails; the TLS connection
    must be closed by then, even when the server is slow to answer the close (busy)."""
    port = int(https_site.base.rsplit(":", 1)[1])
    status, _, err = run(
        capsys, bundled_db, https_site, "ingest", https_site.url("/disguised-then-busy.pdf")
    )
    assert status == 2
    assert "sent a web page" in err
    still_open = [c for c in psutil.Process().net_connections() if c.raddr and c.raddr.port == port]
    assert still_open == []


def test_plain_http_is_refused_before_any_connection(capsys, bundled_db: Path, https_site: Site):
    url = https_site.url("/report.pdf").replace("https://", "http://")
    status, _, err = run(capsys, bundled_db, https_site, "ingest", url)
    assert status == 2
    assert "only https:// links are fetched" in err


async def test_fetch_reads_at_most_one_byte_past_the_limit(https_site: Site) -> None:
    fetched = await fetch_report(https_site.url("/report.pdf"), max_bytes=10_000_000)
    assert fetched.kind == "pdf"
    assert fetched.data.startswith(b"%PDF-")
    with pytest.raises(FetchError, match="larger than 1,000 bytes"):
        await fetch_report(https_site.url("/endless.txt"), max_bytes=1_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://undocs.org/S/2018/80", True),
        ("http://x.org/a", True),
        ("S-2018-80.pdf", False),
        ("C:/reports/a.pdf", False),
        ("report.txt", False),
    ],
)
def test_is_link(text: str, expected: bool) -> None:
    assert is_link(text) is expected


# Reading a PDF and encoding the paragraphs whose text differs from the bundled one is seconds of
# CPU in the executor; on a loaded machine that outlasts SimCord's default 5 s settle.
@pytest.mark.simcord(settle_timeout=30)
async def test_slash_ingest_fetches_a_linked_pdf(sim: Sim, https_site: Site) -> None:
    result = await sim.admin.slash(sim.channel, "ingest", url=https_site.url("/report.pdf"))
    assert result.ephemeral
    assert result.response.content == "Replaced **S/2018/80**: 86 paragraphs, 67 footnotes."


async def test_slash_ingest_says_why_a_link_failed(sim: Sim, https_site: Site) -> None:
    result = await sim.admin.slash(sim.channel, "ingest", url=https_site.url("/missing.pdf"))
    assert result.ephemeral
    assert "answered 404" in result.response.content
    assert len(sim.env.errors) == 1


async def test_slash_ingest_wants_a_file_or_a_url(sim: Sim) -> None:
    result = await sim.admin.slash(sim.channel, "ingest", symbol="S/2099/1")
    assert result.ephemeral
    assert "either as a file or as a url" in result.response.content
    assert len(sim.env.errors) == 1
