"""SKELETON: subcommands of this family are being written."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this family's subcommands to the parser."""
