"""`python -m bot` is the `reportbot` command."""

from bot.cli import run

run()
