"""Remember a login Discord refused, so a restarting container does not try it again.

Docker restart policies cannot tell a bad token from a crash, Discord bans an IP after 10,000
invalid requests in 10 minutes, and a bot that re-identifies on every restart burns its daily
identify budget. The marker lives on the data volume and holds only the SHA-256 of the login's
identity (token plus whatever else decided the refusal: a token is long and random, so the hash
reveals nothing), the reason and the time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from pathlib import Path


def fingerprint(identity: str) -> str:
    """A stable, non-reversible name for a login identity."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def record_rejection(marker: Path, identity: str, reason: str) -> None:
    """Write the marker (OSError if the directory is not writable)."""
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    body = {"sha256": fingerprint(identity), "reason": reason, "rejected_at": when}
    marker.write_text(json.dumps(body) + "\n", encoding="utf-8")


def read_rejection(marker: Path, identity: str) -> str | None:
    """Why and when Discord refused this very identity, or None (no marker, or another one)."""
    try:
        body = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("sha256") != fingerprint(identity):
        return None
    return f"{body.get('reason', 'rejected')}, at {body.get('rejected_at', 'an unknown time')}"


def forget_rejection(marker: Path) -> None:
    """Drop a marker left by an earlier identity: the current one deserves a try."""
    with contextlib.suppress(OSError):  # missing, or a read-only volume
        marker.unlink()
