"""CLI conventions a newcomer relies on: global options anywhere, --version, helpful --help,
a quiet closed pipe, settings honoured by every command, and `reportbot remove`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.cli import COMMAND_MODULES, build_parser, main

SYNTHETIC = (
    "Security Council\n\nDistr.: General\n31 January 2099\n\nSynthetic report on testing\n\n"
    "I. Introduction\n\n1. The zephyr network moved funds through couriers.\n"
)


def run(capsys, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    status = main(list(argv), env=env or {})
    out, err = capsys.readouterr()
    return status, out, err


def subcommands() -> dict[str, object]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize(
    "argv",
    [
        ["reports"],
        ["cite", "S/2018/80", "13"],
        ["ask", "hawala"],
        ["export", "--report", "S/2018/80"],
    ],
)
def test_db_is_accepted_before_or_after_the_subcommand(
    capsys, bundled_db: Path, tmp_path: Path, position: str, argv: list[str]
) -> None:
    db = ["--db", str(bundled_db)]
    full = db + argv if position == "before" else argv + db
    status, out, err = run(capsys, *full, env={"REPORTBOT_DB": str(tmp_path / "not-this")})
    assert status == 0, err
    assert "S/2018/80" in out
    assert not (tmp_path / "not-this").exists()


def test_ingest_takes_db_after_its_paths(capsys, bundled_db: Path, tmp_path: Path) -> None:
    report = tmp_path / "zephyr.txt"
    report.write_text(SYNTHETIC, encoding="utf-8")
    status, out, err = run(
        capsys, "ingest", "--db", str(bundled_db), str(report), "--symbol", "S/2099/1"
    )
    assert status == 0, err
    assert out.startswith(
        "S/2099/1: added, 1 paragraph, 0 footnotes"
    )  # "1 paragraph", not "1 paragraphs"


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"], env={})
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"reportbot {cli.package_version()}"
    assert cli.package_version() != "unknown"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_has_a_description_examples_and_the_global_options(name: str) -> None:
    parser = subcommands()[name]
    text = parser.format_help()  # type: ignore[attr-defined]
    assert parser.description, f"`reportbot {name} --help` has no description"  # type: ignore[attr-defined]
    assert f"examples:\n  reportbot {name}" in text
    assert "--db PATH" in text


def test_the_command_modules_are_all_registered() -> None:
    assert "bot.cli.manage" in COMMAND_MODULES
    assert {"ingest", "reports", "export", "cite", "ask", "console", "remove"} <= set(subcommands())


def test_a_mistyped_command_gets_a_suggestion(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["aks", "oil"], env={})
    assert done.value.code == 2
    assert "did you mean 'ask'?" in capsys.readouterr().err


def test_ask_honours_read_only_and_creates_nothing(capsys, tmp_path: Path) -> None:
    db = tmp_path / "missing.sqlite3"
    status, out, err = run(capsys, "--db", str(db), "ask", "oil", env={"REPORTBOT_READ_ONLY": "1"})
    assert status == 2
    assert "missing.sqlite3" in err
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_ask_never_writes_an_existing_database(capsys, bundled_db: Path) -> None:
    before = bundled_db.read_bytes()
    status, out, _ = run(capsys, "--db", str(bundled_db), "ask", "oil revenue")
    assert status == 0
    assert "## Results for" in out
    assert bundled_db.read_bytes() == before


def test_reportbot_spelling_reads_a_lone_typo(capsys, bundled_db: Path) -> None:
    no_vectors = {"REPORTBOT_SEMANTIC": "off"}
    status, out, _ = run(capsys, "--db", str(bundled_db), "ask", "finacing", env=no_vectors)
    assert (status, "No paragraph matches the question." in out) == (0, True)
    spelling = {**no_vectors, "REPORTBOT_SPELLING": "on"}
    status, out, _ = run(capsys, "--db", str(bundled_db), "ask", "finacing", env=spelling)
    assert status == 0
    assert "ℹ️ Read “finacing” as “financing”." in out
    assert "S/2018/80, para." in out


def test_cli_cite_has_the_same_range_limit_as_discord(capsys, bundled_db: Path) -> None:
    status, _, err = run(capsys, "--db", str(bundled_db), "cite", "S/2018/80", "1-50")
    assert status == 2
    assert "Ask for at most 10 paragraphs at a time" in err
    status, out, _ = run(capsys, "--db", str(bundled_db), "cite", "S/2018/80", "1-10")
    assert status == 0
    assert out.count("## S/2018/80, para.") == 10


def test_a_long_question_says_it_was_cut(capsys, bundled_db: Path) -> None:
    question = " ".join(["oil revenue extortion"] * 250)  # 5,500 characters
    status, out, _ = run(capsys, "--db", str(bundled_db), "ask", question)
    assert status == 0
    assert "The question was cut to its first" in out


def test_remove_deletes_a_report(capsys, bundled_db: Path) -> None:
    status, out, err = run(capsys, "remove", "s-2016-501", "--db", str(bundled_db))
    assert status == 0, err
    assert out == "S/2016/501: removed, 91 paragraphs, 0 footnotes\n"
    _, listed, _ = run(capsys, "--db", str(bundled_db), "reports")
    assert "S/2016/501" not in listed
    assert "S/2018/80" in listed


def test_remove_refuses_what_it_cannot_do(capsys, bundled_db: Path) -> None:
    status, _, err = run(capsys, "--db", str(bundled_db), "remove", "S/1999/1")
    assert status == 2
    assert "S/1999/1" in err
    status, _, err = run(
        capsys, "--db", str(bundled_db), "remove", "S/2018/80", env={"REPORTBOT_READ_ONLY": "1"}
    )
    assert status == 2
    assert "read-only" in err
    _, listed, _ = run(capsys, "--db", str(bundled_db), "reports")
    assert "S/2018/80" in listed


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        (["cite", "S/2018/80", "1-10"], None),
        (["ask", "oil revenue"], None),
        (["reports"], None),
        (["export"], None),
        (["console"], "/cite S/2018/80 13\n/reports\n"),
    ],
)
def test_a_closed_pipe_ends_quietly(bundled_db: Path, argv: list[str], stdin: str | None) -> None:
    """`reportbot … | head -1`: the reader is gone before we write; no traceback, status 0/141."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(bundled_db), *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": ""},
    )
    assert child.stdout is not None
    child.stdout.close()  # nobody reads: every write meets EPIPE
    _, err = child.communicate((stdin or "").encode(), timeout=60)
    assert child.returncode in (0, 141, -13), err.decode()
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["ask", "--jsn", "oil"], "--json"),
        (["reports", "--jason"], "--json"),
        (["cite", "S/2018/80", "13", "--dbb", "x"], "--db"),
    ],
)
def test_a_mistyped_option_gets_a_suggestion(capsys, argv: list[str], suggestion: str) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv, env={})
    assert done.value.code == 2
    assert f"did you mean {suggestion}?" in capsys.readouterr().err


def test_an_offline_command_starts_without_the_network_libraries(bundled_db: Path) -> None:
    """`reportbot ask` must start fast (≤ 1 s at 1M paragraphs): importing aiohttp alone took
    0.1-0.15 s of it, and only `run` (discord.py) and fetching a link (aiohttp) need them;
    PDFium (~13 ms) only a PDF ingest."""
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        f"status = main(['--db', {str(bundled_db)!r}, 'ask', 'oil revenue'], env={{}})\n"
        "heavy = ('discord', 'aiohttp', 'pypdfium2')\n"
        "print(status, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr[-2000:]
