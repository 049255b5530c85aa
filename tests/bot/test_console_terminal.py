"""`reportbot console` as a person uses it, driven through a pseudo-terminal (pexpect).

The real command in a real process on a real pty: readline's history and editing, Ctrl-C,
Ctrl-D, typos and bad option values all behave as they would in tmux.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

PROMPT = "reportbot> "
UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture
def console(bundled_db: Path) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm", "REPORTBOT_DB": str(bundled_db), "COLUMNS": "200"}
    env.pop("REPORTBOT_READ_ONLY", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "console"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    child.expect_exact(PROMPT)
    yield child
    child.close(force=True)


def _ask(child: pexpect.spawn, line: str, expected: str) -> str:
    child.sendline(line)
    child.expect_exact(expected)
    before = child.before
    child.expect_exact(PROMPT)
    return before


def test_bad_values_and_typos_get_a_message_and_a_new_prompt(console: pexpect.spawn) -> None:
    _ask(console, "/ask oil results:abc", "results must be a whole number from 1 to 10")
    _ask(console, "/ask oil results:1.5", "results must be a whole number from 1 to 10")
    _ask(console, "/ask oil results:50", "you gave 50")
    _ask(console, "/ask oil reslts:2", "did you mean results:?")
    _ask(console, "/aks oil", "Did you mean /ask?")
    _ask(console, "/ask oil revenue results:1", "1 of ")
    assert console.isalive()
    assert "Traceback" not in console.before


def test_history_ctrl_c_and_ctrl_d(console: pexpect.spawn) -> None:
    _ask(console, "/cite S/2018/80 13", "## S/2018/80, para. 13")
    # Up arrow recalls the last line; Enter runs it again.
    console.send(UP + "\r")
    console.expect_exact("## S/2018/80, para. 13")
    console.expect_exact(PROMPT)
    # Ctrl-C drops a half-typed line and prompts again; nothing runs.
    console.send("/ask hawala cash couriers")
    console.send(CTRL_C)
    console.expect_exact(PROMPT)
    shown = _ask(console, "/reports", "## 2 reports")
    assert "Results for" not in shown
    assert console.isalive()
    # Ctrl-D on an empty line quits cleanly.
    console.send(CTRL_D)
    console.expect(pexpect.EOF)
    console.close()
    assert console.exitstatus == 0
