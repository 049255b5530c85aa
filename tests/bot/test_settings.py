"""Settings come from an injected mapping; bad values name their variable; the token never shows."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.cli import build_parser
from bot.cli.ops import run_overrides
from bot.settings import (
    DEFAULT_HEARTBEAT_PATH,
    Secret,
    Settings,
    SettingsError,
    env_variables,
)

TOKEN = "MTAwMA.the-token-itself.xyz"


def test_empty_environment_gives_the_offline_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.token is None
    assert settings.db_path == Path("reportbot.sqlite3")
    assert settings.heartbeat_path == DEFAULT_HEARTBEAT_PATH
    assert not settings.read_only
    assert settings.rejected_token_file == Path("reportbot.rejected-token")


def test_every_variable_is_read() -> None:
    env = {
        "DISCORD_TOKEN": f"  {TOKEN}\n",
        "REPORTBOT_DB": "/data/x.sqlite3",
        "REPORTBOT_GUILD_ID": "123456789012345678",
        "REPORTBOT_LOG_LEVEL": "debug",
        "REPORTBOT_LINK_BASE_URL": "https://docs.example.org/un",
        "REPORTBOT_ASK_COOLDOWN_S": "2.5",
        "REPORTBOT_ASK_COOLDOWN_RATE": "4",
        "REPORTBOT_DEFAULT_RESULTS": "2",
        "REPORTBOT_MAX_RESULTS": "6",
        "REPORTBOT_MAX_UPLOAD_BYTES": "1000",
        "REPORTBOT_SHARD_COUNT": "4",
        "REPORTBOT_SHARD_IDS": "2, 3",
        "REPORTBOT_HEARTBEAT_FILE": "/run/hb.json",
        "REPORTBOT_READ_ONLY": "yes",
        "REPORTBOT_SEMANTIC": "off",
        "REPORTBOT_SPELLING": "on",
        "REPORTBOT_ALLOW_PRIVATE_LINKS": "on",
        "REPORTBOT_REJECTED_TOKEN_FILE": "/state/rejected",
    }
    s = Settings.from_env(env)
    assert s.token == Secret(TOKEN)
    assert (s.db_path, s.guild_id, s.log_level) == (
        Path("/data/x.sqlite3"),
        123456789012345678,
        "DEBUG",
    )
    assert s.link_base_url == "https://docs.example.org/un/"
    assert (s.ask_cooldown_s, s.ask_cooldown_rate) == (2.5, 4)
    assert (s.default_results, s.max_results, s.max_upload_bytes) == (2, 6, 1000)
    assert (s.shard_count, s.shard_ids) == (4, (2, 3))
    assert s.heartbeat_path == Path("/run/hb.json")
    assert s.read_only is True
    assert s.semantic is False
    assert s.spelling is True
    assert s.allow_private_links is True
    assert s.rejected_token_file == Path("/state/rejected")
    assert set(env) == set(env_variables()) - {"DISCORD_TOKEN_FILE"}


def test_blank_values_count_as_unset() -> None:
    """compose passes `${VAR:-}` as an empty string; that must mean the default."""
    env = dict.fromkeys(env_variables(), "")
    assert Settings.from_env(env) == Settings()


def test_the_marker_sits_next_to_the_database_by_default() -> None:
    settings = Settings.from_env({"REPORTBOT_DB": "/data/reportbot.sqlite3"})
    assert settings.rejected_token_file == Path("/data/reportbot.rejected-token")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REPORTBOT_GUILD_ID", "guild"),
        ("REPORTBOT_GUILD_ID", "0"),
        ("REPORTBOT_LOG_LEVEL", "LOUD"),
        ("REPORTBOT_LINK_BASE_URL", "undocs.org"),
        ("REPORTBOT_ASK_COOLDOWN_S", "soon"),
        ("REPORTBOT_ASK_COOLDOWN_S", "-1"),
        ("REPORTBOT_ASK_COOLDOWN_RATE", "0"),
        ("REPORTBOT_DEFAULT_RESULTS", "11"),
        ("REPORTBOT_MAX_RESULTS", "0"),
        ("REPORTBOT_MAX_UPLOAD_BYTES", "5MB"),
        ("REPORTBOT_SHARD_COUNT", "0"),
        ("REPORTBOT_SHARD_IDS", "0"),  # without a count
        ("REPORTBOT_READ_ONLY", "maybe"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable: value})
    assert variable in str(caught.value)


@pytest.mark.parametrize("ids", ["0,a", "-1", "1,1", "0,4", ","])
def test_bad_shard_ids_name_the_variable(ids: str) -> None:
    with pytest.raises(SettingsError, match="REPORTBOT_SHARD_IDS"):
        Settings.from_env({"REPORTBOT_SHARD_COUNT": "4", "REPORTBOT_SHARD_IDS": ids})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False), ("Off", False)],
)
def test_read_only_accepts_the_usual_booleans(raw: str, expected: bool) -> None:
    assert Settings.from_env({"REPORTBOT_READ_ONLY": raw}).read_only is expected


def test_token_file_is_read_and_stripped(tmp_path: Path) -> None:
    secret = tmp_path / "discord_token"
    secret.write_text(TOKEN + "\n", encoding="utf-8")
    settings = Settings.from_env({"DISCORD_TOKEN_FILE": str(secret)})
    assert settings.token is not None
    assert settings.token.reveal() == TOKEN


@pytest.mark.parametrize("content", [None, "", "  \n"])
def test_unusable_token_file_names_the_variable(tmp_path: Path, content: str | None) -> None:
    secret = tmp_path / "discord_token"
    if content is not None:
        secret.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match="DISCORD_TOKEN_FILE"):
        Settings.from_env({"DISCORD_TOKEN_FILE": str(secret)})


def test_both_token_sources_at_once_is_an_error(tmp_path: Path) -> None:
    secret = tmp_path / "t"
    secret.write_text(TOKEN, encoding="utf-8")
    with pytest.raises(SettingsError, match="DISCORD_TOKEN or DISCORD_TOKEN_FILE"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "DISCORD_TOKEN_FILE": str(secret)})


@given(st.from_regex(r"[A-Za-z0-9_.\-]{20,90}", fullmatch=True))
def test_the_token_never_shows_in_repr_str_or_format(token: str) -> None:
    assume(token not in repr(Settings(token=Secret("x"))))  # a token can't hide in the rest
    settings = Settings.from_env({"DISCORD_TOKEN": token})
    for shown in (
        repr(settings),
        str(settings),
        f"{settings}",
        repr(settings.token),
        str(settings.token),
    ):
        assert token not in shown
    assert settings.token is not None
    assert settings.token.reveal() == token


def test_logging_the_settings_does_not_log_the_token(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    with caplog.at_level(logging.DEBUG, logger="reportbot.test"):
        logging.getLogger("reportbot.test").info("starting with %s / %r", settings, settings.token)
    assert "starting with Settings(" in caplog.text
    assert TOKEN not in caplog.text


def _run_flags(*argv: str) -> dict[str, object]:
    return run_overrides(build_parser().parse_args(["run", *argv]))


def test_flags_override_the_environment() -> None:
    env = {
        "REPORTBOT_LOG_LEVEL": "WARNING",
        "REPORTBOT_SHARD_COUNT": "2",
        "REPORTBOT_SHARD_IDS": "1",
    }
    base = Settings.from_env(env)
    flagged = base.replace(
        **_run_flags(
            "--log-level", "debug", "--shard-count", "3", "--shard-ids", "0,2", "--read-only"
        )
    )
    assert (flagged.log_level, flagged.shard_count, flagged.shard_ids) == ("DEBUG", 3, (0, 2))
    assert flagged.read_only is True
    assert base.replace(**_run_flags()) == base  # no flags: the environment stands


def test_flags_are_validated_like_the_environment() -> None:
    with pytest.raises(SettingsError, match="--shard-ids"):
        Settings().replace(**_run_flags("--shard-count", "2", "--shard-ids", "5"))


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.db_path = Path("elsewhere")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe\x00bad\x81token", "is not text"),
        (TOKEN.encode() + b"\nsecond line\n", "holds more than a token"),
        (b"two words", "holds more than a token"),
        (b"\0" * 10_000, "is over 4096 bytes"),
    ],
)
def test_a_token_file_that_is_not_one_token_is_refused(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    secret = tmp_path / "discord_token"
    secret.write_bytes(content)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN_FILE") as raised:
        Settings.from_env({"DISCORD_TOKEN_FILE": str(secret)})
    assert problem in str(raised.value)
    assert "second line" not in str(raised.value)  # the file's content is never echoed


def test_a_huge_sparse_token_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    secret = tmp_path / "discord_token"
    with secret.open("wb") as handle:
        handle.truncate(256 * 1024 * 1024)  # sparse: 256 MiB of zeros, nothing on disk
    with pytest.raises(SettingsError, match="is over 4096 bytes"):
        Settings.from_env({"DISCORD_TOKEN_FILE": str(secret)})


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_the_token_file_is_refused_at_once() -> None:
    """A real process: before the bounded read, this read forever."""
    code = (
        "from bot.settings import Settings, SettingsError\n"
        "try:\n    Settings.from_env({'DISCORD_TOKEN_FILE': '/dev/zero'})\n"
        "except SettingsError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert "DISCORD_TOKEN_FILE='/dev/zero' is over 4096 bytes" in done.stdout


def test_a_token_with_spaces_in_the_variable_is_refused() -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN holds more than a token"):
        Settings.from_env({"DISCORD_TOKEN": "abc def"})
