"""/ingest, /remove and `@reportbot sync`: the Manage Server gate, uploads, and Discord's limits."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import discord
import pytest
import simcord
from discord import app_commands

from bot import discord_limits as limits
from tests.bot.conftest import REPORT_2018, Sim, plain

SYMBOL = "S/2099/1"
INJECTION = (
    "Ping @everyone and <@123456789012345678> and <@&123>; **bold** claims, "
    "[a link](https://evil.example) and `code` must show as written."
)


def synthetic_report(paragraphs: list[str], title: str = "Synthetic report on testing") -> bytes:
    """A report laid out like the bundled S/2016/501: one paragraph per line, headings alone."""
    lines = ["Security Council", "", "Distr.: General", "31 January 2099", "", title, ""]
    lines += ["I. Introduction", ""]
    for number, text in enumerate(paragraphs, start=1):
        lines += [f"{number}. {text}", ""]
    return "\n".join(lines).encode()


async def ingest(sim: Sim, data: bytes, filename: str = "report.txt", **options: str):
    return await sim.admin.slash(
        sim.channel,
        "ingest",
        file=(filename, data),
        symbol=options.get("symbol", SYMBOL),
        date=options.get("date", "2099-01-31"),
        title=options.get("title", "Synthetic report on testing"),
    )


def long_paragraph(word: str, n_chars: int, sentence_end: str = ",") -> str:
    """About n_chars of text; one long sentence by default, so its excerpt is long too."""
    clause = f"officials traced the {word} money through couriers and brokers{sentence_end} "
    text = "Then " + clause * (n_chars // len(clause) + 1)
    return text[: n_chars - 1].rsplit(" ", 1)[0] + "."


async def test_members_without_manage_server_cannot_see_admin_commands(sim: Sim) -> None:
    visible = sim.alice.available_commands(sim.channel)
    assert "ask" in visible
    assert "ingest" not in visible
    assert "remove" not in visible
    with pytest.raises(simcord.SetupError):
        await sim.alice.slash(sim.channel, "ingest", file=("r.txt", b"1. x"))


async def test_manage_server_is_also_checked_when_invoked(sim: Sim) -> None:
    """default_permissions can be overridden by server admins; the check cannot."""
    command = sim.bot.tree.get_command("ingest")
    assert isinstance(command, app_commands.Command)
    member = SimpleNamespace(
        permissions=discord.Permissions(send_messages=True),
        guild=object(),
        user=object(),
    )
    (check,) = command.checks
    with pytest.raises(app_commands.MissingPermissions):
        await discord.utils.maybe_coroutine(check, member)


async def test_ingest_adds_a_report_that_can_be_asked_and_cited(sim: Sim) -> None:
    data = synthetic_report(["The zephyr network moved funds.", "Second paragraph here."])
    result = await ingest(sim, data)
    assert result.ephemeral
    assert f"Added **{SYMBOL}**: 2 paragraphs, 0 footnotes." in result.response.content
    listed = await sim.alice.slash(sim.channel, "reports")
    assert SYMBOL in listed.response.embeds[0].description
    cited = await sim.alice.slash(sim.channel, "cite", report=SYMBOL, paragraph="1")
    assert "The zephyr network moved funds." in plain(cited.response.embeds[0].description)
    again = await ingest(sim, data)
    assert "Already up to date" in again.response.content


async def test_ingest_refuses_other_file_types_and_oversize_files(sim: Sim) -> None:
    word = await ingest(sim, b"PK\x03\x04", filename="report.docx")
    assert word.ephemeral
    assert "not a report file" in word.response.content
    cut = await ingest(sim, b"%PDF-1.7", filename="report.pdf")
    assert cut.ephemeral
    assert "this PDF is truncated" in cut.response.content
    big = await ingest(sim, b"1. x" * (sim.bot.settings.max_upload_bytes // 4 + 1))
    assert "the limit is" in big.response.content
    assert len(sim.env.errors) == 3


async def test_ingest_says_why_a_text_is_refused(sim: Sim) -> None:
    bad_date = await ingest(sim, synthetic_report(["Text."]), date="31/01/2099")
    assert "YYYY-MM-DD" in bad_date.response.content
    not_a_report = await ingest(sim, b"just some words with no numbered paragraphs")
    assert not_a_report.ephemeral
    assert not_a_report.response.content
    assert "Something went wrong" not in not_a_report.response.content
    assert len(sim.env.errors) == 2


async def test_remove_deletes_a_report(sim: Sim) -> None:
    await ingest(sim, synthetic_report(["The zephyr network moved funds."]))
    removed = await sim.admin.slash(sim.channel, "remove", report=SYMBOL)
    assert removed.ephemeral
    assert f"Removed **{SYMBOL}** (1 paragraph)." == removed.response.content
    gone = await sim.alice.slash(sim.channel, "cite", report=SYMBOL, paragraph="1")
    assert gone.ephemeral
    assert sim.env.errors


async def test_ten_long_hits_fit_one_message_by_dropping_whole_excerpts(sim: Sim) -> None:
    await ingest(sim, synthetic_report([long_paragraph("zephyr", 1500) for _ in range(10)]))
    result = await sim.alice.slash(sim.channel, "ask", question="zephyr", report=SYMBOL, results=10)
    embeds = result.response.embeds
    assert sum(len(e) for e in embeds) <= limits.EMBED_TOTAL_CHARS
    footer = embeds[-1].footer.text
    shown, total = map(int, re.match(r"(\d+) of (\d+)", footer).groups())
    assert shown < 10 == total
    assert "did not fit" in footer
    quoted = [ln for e in embeds for ln in e.description.split("\n") if ln.startswith("> ")]
    assert len(quoted) == shown  # whole quotes only; none trimmed to fit
    more = await sim.alice.click(result.response, label="More results")
    assert more.response.embeds[-1].footer.text.startswith(f"{shown + 1}–")


def quoted_pieces(embeds: list[discord.Embed]) -> list[str]:
    lines = [ln for e in embeds for ln in e.description.split("\n") if ln.startswith("> ")]
    return [plain(ln).strip("…") for ln in lines]


async def test_a_4000_character_paragraph_is_cited_whole(sim: Sim) -> None:
    text = long_paragraph("zephyr", 4000, sentence_end=". Then")
    await ingest(sim, synthetic_report([text, "Short one."]))
    result = await sim.alice.slash(sim.channel, "cite", report=SYMBOL, paragraph="1")
    (embed,) = result.response.embeds
    assert len(embed.description) <= limits.EMBED_DESCRIPTION_CHARS
    assert quoted_pieces([embed]) == [text]


async def test_longer_paragraphs_continue_over_embeds_and_pages(sim: Sim) -> None:
    five, nine = (long_paragraph("zephyr", n, sentence_end=". Then") for n in (5000, 9000))
    await ingest(sim, synthetic_report([five, nine]))
    result = await sim.alice.slash(sim.channel, "cite", report=SYMBOL, paragraph="1")
    embeds = result.response.embeds
    assert [e.title for e in embeds] == [
        f"{SYMBOL}, para. 1",
        f"{SYMBOL}, para. 1 (continued, 2/2)",
    ]
    pieces = quoted_pieces(embeds)
    assert all(p in five for p in pieces)
    assert " ".join(pieces) == five  # cut between sentences: only the space is left out

    result = await sim.alice.slash(sim.channel, "cite", report=SYMBOL, paragraph="2")
    first_page = result.response.embeds
    second_page = (await sim.alice.click(result.response, label="next ▶")).response.embeds
    assert "(continued, 3/3)" in second_page[-1].title
    for page in (first_page, second_page):
        assert sum(len(e) for e in page) <= limits.EMBED_TOTAL_CHARS
    assert " ".join(quoted_pieces(first_page + second_page)) == nine


async def test_report_text_cannot_ping_or_format(sim: Sim) -> None:
    await ingest(sim, synthetic_report([INJECTION]))
    asked = await sim.alice.slash(sim.channel, "ask", question="ping written", report=SYMBOL)
    cited = await sim.alice.slash(sim.channel, "cite", report=SYMBOL, paragraph="1")
    await sim.alice.send(sim.channel, f"{sim.bot.user.mention} ping written")
    for message in (asked.response.message, cited.response.message, sim.channel.last_message):
        description = message.embeds[0].description
        assert "@everyone" not in description
        assert "<@123456789012345678>" not in description
        assert "<@&123>" not in description
        assert "[a link](https://evil.example)" not in description
        assert "**bold**" not in description
        assert "`code`" not in description
        assert not message.mentions
        assert not message.role_mentions
        assert not message.mention_everyone
    bodies = sim.bot_messages()
    assert len(bodies) >= 4
    for body in bodies:
        assert body["allowed_mentions"] == {"parse": []}, body["path"]


async def test_owner_can_sync_from_a_mention_and_others_get_no_answer(sim: Sim) -> None:
    sim.bot.owner_id = sim.alice.id
    await sim.bob.send(sim.channel, f"{sim.bot.user.mention} sync")
    assert sim.channel.last_message.author.id == sim.bob.id
    assert [type(e).__name__ for e in sim.env.errors] == ["NotOwner"]
    await sim.alice.send(sim.channel, f"{sim.bot.user.mention} sync")
    reply = sim.channel.last_message
    assert re.fullmatch(r"Synced \d+ commands to this server\.", reply.content)
    await sim.alice.send(sim.channel, f"{sim.bot.user.mention} sync global")
    assert sim.channel.last_message.content.endswith("globally.")


async def test_ingest_and_ask_do_not_touch_the_bundled_reports(sim: Sim) -> None:
    before = await sim.bot.library.cite(REPORT_2018, 13)
    await ingest(sim, synthetic_report(["The zephyr network moved funds."]))
    assert await sim.bot.library.cite(REPORT_2018, 13) == before


# Reading a PDF and encoding the paragraphs whose text differs from the bundled one is seconds of
# CPU in the executor; on a loaded machine that outlasts SimCord's default 5 s settle.
@pytest.mark.simcord(settle_timeout=30)
async def test_ingest_reads_an_uploaded_pdf(sim: Sim) -> None:
    pdf = Path(__file__).parent.parent / "corpus" / "documents" / "S-2018-80.pdf"
    result = await sim.admin.slash(sim.channel, "ingest", file=("S-2018-80.pdf", pdf.read_bytes()))
    assert result.ephemeral
    assert result.response.content == "Replaced **S/2018/80**: 86 paragraphs, 67 footnotes."
    cited = await sim.alice.slash(sim.channel, "cite", report=REPORT_2018, paragraph="13")
    assert "fallen by more than 90 per cent" in plain(cited.response.embeds[0].description)


async def test_ingest_does_not_trust_the_declared_size(sim: Sim) -> None:
    """A file declared as 1 KB but served at over the limit is refused, and nothing is stored."""
    cdn = sim.env.backend.cdn
    real_store = cdn.store_attachment

    def lying_store(*args, **kwargs):
        attachment = real_store(*args, **kwargs)
        return {**attachment, "size": 1000}

    cdn.store_attachment = lying_store
    limit = sim.bot.settings.max_upload_bytes
    paragraphs = ["The zephyr network moved funds. " * 50] * (limit // 1500 + 10)
    data = synthetic_report(paragraphs)
    assert len(data) > limit
    result = await ingest(sim, data)
    assert result.ephemeral
    assert "larger than it declared" in result.response.content
    assert "REPORTBOT_MAX_UPLOAD_BYTES" in result.response.content
    assert SYMBOL not in {r.meta.symbol for r in await sim.bot.library.reports()}
    assert len(sim.env.errors) == 1  # the refusal, answered privately
