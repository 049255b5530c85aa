"""Remember a token Discord refused, so a restarting container does not log in with it again.

Docker restart policies cannot tell a bad token from a crash, and Discord bans an IP after
10,000 invalid requests in 10 minutes. The marker lives on the data volume and holds only the
token's SHA-256 (a token is long and random, so the hash reveals nothing), the reason and the time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from pathlib import Path


def fingerprint(token: str) -> str:
    """A stable, non-reversible name for a token."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def record_rejection(marker: Path, token: str, reason: str) -> None:
    """Write the marker (OSError if the directory is not writable)."""
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    body = {"sha256": fingerprint(token), "reason": reason, "rejected_at": when}
    marker.write_text(json.dumps(body) + "\n", encoding="utf-8")


def read_rejection(marker: Path, token: str) -> str | None:
    """Why and when Discord rejected this very token, or None (no marker, or another token)."""
    try:
        body = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("sha256") != fingerprint(token):
        return None
    return f"{body.get('reason', 'rejected')}, at {body.get('rejected_at', 'an unknown time')}"


def forget_rejection(marker: Path) -> None:
    """Drop a marker left by an earlier token: the current one deserves a try."""
    with contextlib.suppress(OSError):  # missing, or a read-only volume
        marker.unlink()
