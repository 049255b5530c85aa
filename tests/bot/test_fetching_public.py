"""The bot fetches links only from public addresses unless REPORTBOT_ALLOW_PRIVATE_LINKS is set:
a member who may add reports cannot make it read the host's own network."""

from __future__ import annotations

import pytest

from bot.fetching import FetchError, fetch_report
from tests.bot import https_site as site_module
from tests.bot.conftest import Sim
from tests.bot.https_site import Site

https_site = site_module.https_site  # the module-scoped fixture (on 127.0.0.1)


async def paragraphs_of(sim: Sim, report: str) -> list[str]:
    return [p.text for p in await sim.bot.library.export(report)]


async def test_slash_ingest_refuses_a_private_address_and_changes_nothing(
    sim: Sim, https_site: Site
) -> None:
    before = await paragraphs_of(sim, "S/2018/80")
    result = await sim.admin.slash(sim.channel, "ingest", url=https_site.url("/report.pdf"))
    assert result.ephemeral
    assert "127.0.0.1 is not a public address" in result.response.content
    assert "REPORTBOT_ALLOW_PRIVATE_LINKS" in result.response.content
    assert len(sim.env.errors) == 1  # a user error, answered privately
    assert await paragraphs_of(sim, "S/2018/80") == before


async def test_slash_ingest_refuses_a_name_that_resolves_to_a_private_address(
    sim: Sim, https_site: Site
) -> None:
    url = https_site.url("/report.pdf").replace("127.0.0.1", "localhost")
    result = await sim.admin.slash(sim.channel, "ingest", url=url)
    assert result.ephemeral
    assert "localhost has no public address" in result.response.content
    assert len(sim.env.errors) == 1


@pytest.mark.parametrize(
    "host",
    ["10.0.0.7", "192.168.1.1", "169.254.169.254", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]"],
)
async def test_private_addresses_are_refused_before_any_connection(host: str) -> None:
    with pytest.raises(FetchError, match="is not a public address"):
        await fetch_report(f"https://{host}/report.pdf", max_bytes=1_000, public_only=True)
