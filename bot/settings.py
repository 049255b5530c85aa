"""Configuration: one frozen object built from an injected mapping (tests pass a dict)."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import UserError

DEFAULT_DB_PATH = Path("reportbot.sqlite3")
DEFAULT_LINK_BASE = "https://undocs.org/en/"
DEFAULT_HEARTBEAT_PATH = Path(tempfile.gettempdir()) / "reportbot-heartbeat.json"
REJECTED_TOKEN_NAME = "reportbot.rejected-token"
MAX_TOKEN_FILE_BYTES = 4096  # tokens are ~72 characters; anything larger is the wrong file
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Secret:
    """A string that never shows itself in repr/str, so a logged Settings leaks no token."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(UserError):
    """A setting has a value we cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot and the CLI need to know; defaults make the offline path work."""

    db_path: Path = DEFAULT_DB_PATH
    token: Secret | None = None
    guild_id: int | None = None
    log_level: str = "INFO"
    link_base_url: str = DEFAULT_LINK_BASE
    ask_cooldown_s: float = 5.0
    ask_cooldown_rate: int = 3
    default_results: int = 3
    max_results: int = 10
    max_upload_bytes: int = 5_000_000
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    heartbeat_path: Path = DEFAULT_HEARTBEAT_PATH
    read_only: bool = False
    semantic: bool = True
    spelling: bool = False  # read a typed word no paragraph holds as the reports' word
    allow_private_links: bool = False  # /ingest url: may the bot fetch from private addresses
    rejected_token_path: Path | None = None
    extra: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read the REPORTBOT_* and DISCORD_* variables from `env` (pass os.environ in main)."""
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            spec = _ENV.get(f.name)
            if spec is None:
                continue
            name, convert = spec
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            try:
                values[f.name] = convert(raw.strip())
            except (TypeError, ValueError) as exc:
                raise SettingsError(f"{name}={raw!r} is not valid: {exc}") from None
        token = _read_token(env)
        if token is not None:
            values["token"] = token
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def replace(self, **changes: object) -> Settings:
        """A copy with some values overridden (command-line flags win over the environment)."""
        updated = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        updated.validate()
        return updated

    @property
    def rejected_token_file(self) -> Path:
        """Where `run` remembers a token Discord refused: next to the database unless set."""
        if self.rejected_token_path is not None:
            return self.rejected_token_path
        return self.db_path.parent / REJECTED_TOKEN_NAME

    def validate(self) -> None:
        if not 1 <= self.default_results <= self.max_results <= 10:
            raise SettingsError(
                "need 1 <= REPORTBOT_DEFAULT_RESULTS <= REPORTBOT_MAX_RESULTS <= 10, got "
                f"{self.default_results} and {self.max_results}"
            )
        if self.shard_ids is not None and self.shard_count is None:
            raise SettingsError("REPORTBOT_SHARD_IDS (--shard-ids) needs REPORTBOT_SHARD_COUNT")
        if self.shard_ids is not None and self.shard_count is not None:
            bad = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if bad:
                raise SettingsError(
                    f"REPORTBOT_SHARD_IDS (--shard-ids): {bad} outside 0..{self.shard_count - 1}"
                )
        if self.shard_count is not None and self.shard_count < 1:
            raise SettingsError("REPORTBOT_SHARD_COUNT (--shard-count) must be >= 1")
        if self.log_level.upper() not in LOG_LEVELS:
            raise SettingsError(f"REPORTBOT_LOG_LEVEL={self.log_level!r} is not a log level")
        if self.ask_cooldown_s < 0:
            raise SettingsError(f"REPORTBOT_ASK_COOLDOWN_S must be >= 0, got {self.ask_cooldown_s}")
        if self.ask_cooldown_rate < 1:
            raise SettingsError(
                f"REPORTBOT_ASK_COOLDOWN_RATE must be >= 1, got {self.ask_cooldown_rate}"
            )


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("must be a whole number >= 1")
    return value


def parse_shard_ids(raw: str) -> tuple[int, ...]:
    """Parse "0,1" or "0 1" into distinct shard ids, in the order given."""
    values = tuple(int(part) for part in raw.replace(",", " ").split())
    if not values:
        raise ValueError("needs at least one number")
    if any(value < 0 for value in values):
        raise ValueError("shard ids are >= 0")
    if len(set(values)) != len(values):
        raise ValueError("a shard id is repeated")
    return values


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _boolean(raw: str) -> bool:
    word = raw.lower()
    if word not in _TRUE | _FALSE:
        raise ValueError("use 1/0, true/false, yes/no or on/off")
    return word in _TRUE


def _url_base(raw: str) -> str:
    if not raw.startswith(("https://", "http://")):
        raise ValueError("must start with https:// or http://")
    return raw if raw.endswith("/") else raw + "/"


# Setting name -> (environment variable, converter). docs/configuration.md documents each one.
_ENV: dict[str, tuple[str, Callable[[str], object]]] = {
    "db_path": ("REPORTBOT_DB", Path),
    "guild_id": ("REPORTBOT_GUILD_ID", _positive_int),
    "log_level": ("REPORTBOT_LOG_LEVEL", str.upper),
    "link_base_url": ("REPORTBOT_LINK_BASE_URL", _url_base),
    "ask_cooldown_s": ("REPORTBOT_ASK_COOLDOWN_S", float),
    "ask_cooldown_rate": ("REPORTBOT_ASK_COOLDOWN_RATE", _positive_int),
    "default_results": ("REPORTBOT_DEFAULT_RESULTS", _positive_int),
    "max_results": ("REPORTBOT_MAX_RESULTS", _positive_int),
    "max_upload_bytes": ("REPORTBOT_MAX_UPLOAD_BYTES", _positive_int),
    "shard_count": ("REPORTBOT_SHARD_COUNT", _positive_int),
    "shard_ids": ("REPORTBOT_SHARD_IDS", parse_shard_ids),
    "heartbeat_path": ("REPORTBOT_HEARTBEAT_FILE", Path),
    "read_only": ("REPORTBOT_READ_ONLY", _boolean),
    "semantic": ("REPORTBOT_SEMANTIC", _boolean),
    "spelling": ("REPORTBOT_SPELLING", _boolean),
    "allow_private_links": ("REPORTBOT_ALLOW_PRIVATE_LINKS", _boolean),
    "rejected_token_path": ("REPORTBOT_REJECTED_TOKEN_FILE", Path),
}

TOKEN_VARIABLES = ("DISCORD_TOKEN", "DISCORD_TOKEN_FILE")


def env_variables() -> list[str]:
    """Every environment variable Settings reads, for docs and the documentation test."""
    return [name for name, _ in _ENV.values()] + list(TOKEN_VARIABLES)


def _read_token(env: Mapping[str, str]) -> Secret | None:
    direct = env.get("DISCORD_TOKEN", "").strip()
    path = env.get("DISCORD_TOKEN_FILE", "").strip()
    if direct and path:
        raise SettingsError("set DISCORD_TOKEN or DISCORD_TOKEN_FILE, not both")
    if path:
        return Secret(_read_token_file(path))
    if direct:
        _check_token_shape(direct, "DISCORD_TOKEN")
        return Secret(direct)
    return None


def _read_token_file(path: str) -> str:
    """The token in a file; a bounded read, so /dev/zero or a huge file cannot hang start-up."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_TOKEN_FILE_BYTES + 1)
    except OSError as exc:
        raise SettingsError(f"DISCORD_TOKEN_FILE={path!r} cannot be read: {exc.strerror}") from None
    if len(data) > MAX_TOKEN_FILE_BYTES:
        raise SettingsError(
            f"DISCORD_TOKEN_FILE={path!r} is over {MAX_TOKEN_FILE_BYTES} bytes: "
            "it should hold the token alone"
        )
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SettingsError(
            f"DISCORD_TOKEN_FILE={path!r} is not text: it should hold the token alone"
        ) from None
    if not text:
        raise SettingsError(f"DISCORD_TOKEN_FILE={path!r} is empty")
    _check_token_shape(text, f"DISCORD_TOKEN_FILE={path!r}")
    return text


def _check_token_shape(token: str, where: str) -> None:
    """A token is one printable word: two lines or a space mean the wrong file or a paste slip."""
    if any(c.isspace() or not c.isprintable() for c in token):
        raise SettingsError(
            f"{where} holds more than a token (spaces, several lines or control characters); "
            "it should hold the token alone"
        )
