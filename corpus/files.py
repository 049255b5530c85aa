"""SKELETON (being written): corpus's only I/O — the bundled reports and their manifest."""

from __future__ import annotations
