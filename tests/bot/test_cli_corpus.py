"""`reportbot ingest | reports | export | cite` as a user runs them: output, exit status, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

PARAGRAPHS = [
    "The Monitoring Team observed that the group moved its remaining funds through hawala "
    "networks in the border region during the reporting period.",
    "Member States reported that returning foreign terrorist fighters posed a sustained risk "
    "to prisons, where radicalization continued despite new programmes.",
]


def run(capsys, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    status = main(list(argv), env=env or {})
    out, err = capsys.readouterr()
    return status, out, err


def export_lines(capsys, db: Path, *extra: str) -> list[dict]:
    status, out, _ = run(capsys, "--db", str(db), "export", *extra)
    assert status == 0
    return [json.loads(line) for line in out.splitlines()]


def test_a_fresh_database_exports_the_bundled_reports(tmp_path: Path) -> None:
    """The real command in a real process: creates the database and says so on stderr."""
    db = tmp_path / "fresh.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "export"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "REPORTBOT_DB": str(tmp_path / "not-this.sqlite3")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    counts = {
        symbol: sum(r["report"] == symbol for r in rows) for symbol in {r["report"] for r in rows}
    }
    assert counts == {"S/2016/501": 91, "S/2018/80": 86}
    assert set(rows[0]) == {"report", "number", "text", "section", "footnotes"}
    assert (
        "building fresh.sqlite3 from the bundled corpus: S/2018/80 (86 paragraphs)" in done.stderr
    )
    assert db.exists()
    assert not (tmp_path / "not-this.sqlite3").exists()


def test_reportbot_db_is_honoured_and_db_flag_wins(
    capsys, bundled_db: Path, tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "reports", env={"REPORTBOT_DB": str(bundled_db)})
    assert status == 0
    assert "S/2016/501" in out
    assert "S/2018/80" in out
    other = tmp_path / "other.sqlite3"
    status, _, err = run(
        capsys, "--db", str(other), "reports", env={"REPORTBOT_DB": str(bundled_db)}
    )
    assert status == 0
    assert "building other.sqlite3" in err
    assert other.exists()


def test_reports_lists_oldest_first_with_counts(capsys, bundled_db: Path) -> None:
    status, out, _ = run(capsys, "--db", str(bundled_db), "reports")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("S/2016/501")
    assert "2016-05-31" in lines[0]
    assert "91 paragraphs" in lines[0]
    assert lines[1].startswith("S/2018/80")
    assert "86 paragraphs" in lines[1]
    status, out, _ = run(capsys, "--db", str(bundled_db), "reports", "--json")
    listed = json.loads(out)
    assert [(r["symbol"], r["paragraphs"], r["date"]) for r in listed] == [
        ("S/2016/501", 91, "2016-05-31"),
        ("S/2018/80", 86, "2018-01-31"),
    ]


def test_cite_prints_the_paragraph_with_its_place_and_citation(capsys, bundled_db: Path) -> None:
    status, out, _ = run(capsys, "--db", str(bundled_db), "cite", "s/2018/80", "13")
    assert status == 0
    [exported] = [
        r for r in export_lines(capsys, bundled_db, "--report", "S/2018/80") if r["number"] == 13
    ]
    assert exported["text"] in out
    assert out.startswith("## S/2018/80, para. 13  <https://undocs.org/en/S/2018/80>")
    if exported["section"]:
        assert exported["section"][-1] in out


def test_cite_json_matches_export_and_a_range_is_a_list(capsys, bundled_db: Path) -> None:
    exported = {r["number"]: r for r in export_lines(capsys, bundled_db, "--report", "S/2018/80")}
    status, out, _ = run(capsys, "--db", str(bundled_db), "cite", "S/2018/80", "13", "--json")
    assert status == 0
    assert json.loads(out) == exported[13]
    status, out, _ = run(capsys, "--db", str(bundled_db), "cite", "S-2018-80", "12-14", "--json")
    assert json.loads(out) == [exported[12], exported[13], exported[14]]


def test_cite_shows_footnotes(capsys, bundled_db: Path) -> None:
    exported = export_lines(capsys, bundled_db, "--report", "S/2018/80")
    with_note = next(r for r in exported if r["footnotes"])
    status, out, _ = run(
        capsys, "--db", str(bundled_db), "cite", "S/2018/80", str(with_note["number"])
    )
    assert status == 0
    assert with_note["footnotes"][0]["text"] in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["cite", "S/2018/81", "3"],
            "no report S/2018/81 (known: S/2016/501, S/2018/80; did you mean S/2018/80?)",
        ),
        (["cite", "S/2018/80", "87"], "S/2018/80 has paragraphs 1-86"),
        (["cite", "S/2016/501", "90-95"], "S/2016/501 has paragraphs 1-91"),
        (["cite", "S/2018/80", "thirteen"], "'thirteen'"),
        (["export", "--report", "S/2099/1"], "no report S/2099/1 (known: S/2016/501, S/2018/80"),
    ],
)
def test_lookup_errors_exit_2_and_name_what_exists(
    capsys, bundled_db: Path, argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "--db", str(bundled_db), *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("reportbot: ")
    assert message in err
    assert "Traceback" not in err


def test_ingest_prints_what_it_stored_per_file(
    capsys, bundled_db: Path, tmp_path: Path, report_text
) -> None:
    path = tmp_path / "new.txt"
    path.write_text(report_text(PARAGRAPHS), encoding="utf-8")
    argv = ["--db", str(bundled_db), "ingest", str(path), "--symbol", "S/2099/1"]
    status, out, _ = run(capsys, *argv, "--date", "2099-01-31")
    assert status == 0
    assert out.startswith("S/2099/1: added, 2 paragraphs, 0 footnotes")
    status, out, _ = run(capsys, *argv, "--date", "2099-01-31")
    assert out.startswith("S/2099/1: unchanged, 2 paragraphs")
    status, out, _ = run(capsys, "--db", str(bundled_db), "reports", "--json")
    assert json.loads(out)[-1]["date"] == "2099-01-31"


def test_several_files_stop_at_the_first_bad_one(
    capsys, bundled_db: Path, tmp_path: Path, table_checksums
) -> None:
    exported = export_lines(capsys, bundled_db, "--report", "S/2018/80")
    good = tmp_path / "good.jsonl"
    exported[0]["text"] += " Edited."
    good.write_text("".join(json.dumps(r) + "\n" for r in exported), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    never = tmp_path / "never.txt"
    never.write_text("not reached", encoding="utf-8")
    status, out, err = run(
        capsys, "--db", str(bundled_db), "ingest", str(good), str(bad), str(never)
    )
    assert status == 2
    assert out.startswith("S/2018/80: replaced, 86 paragraphs")
    assert "bad.txt" in err
    assert export_lines(capsys, bundled_db, "--report", "S/2018/80")[0]["text"].endswith(" Edited.")


def test_metadata_flags_need_a_single_file(capsys, bundled_db: Path, tmp_path: Path) -> None:
    status, _, err = run(
        capsys, "--db", str(bundled_db), "ingest", "a.txt", "b.txt", "--symbol", "S/2099/1"
    )
    assert status == 2
    assert "one PATH" in err


def test_a_missing_file_is_a_clear_error(capsys, bundled_db: Path, tmp_path: Path) -> None:
    status, _, err = run(capsys, "--db", str(bundled_db), "ingest", str(tmp_path / "nope.txt"))
    assert status == 2
    assert "nope.txt" in err


@pytest.mark.parametrize("symbol", ["S/2016/501", "S/2018/80"])
def test_export_then_ingest_gives_the_same_export(
    capsys, bundled_db: Path, tmp_path: Path, symbol: str
) -> None:
    before = export_lines(capsys, bundled_db)
    path = tmp_path / "export.jsonl"
    status, out, _ = run(capsys, "--db", str(bundled_db), "export", "--report", symbol)
    path.write_text(out, encoding="utf-8")
    fresh = tmp_path / "empty.sqlite3"
    status, _, err = run(capsys, "--db", str(fresh), "ingest", str(path))
    assert status == 0, err
    status, out, _ = run(capsys, "--db", str(bundled_db), "ingest", str(path))
    assert status == 0
    assert export_lines(capsys, bundled_db) == before
    assert export_lines(capsys, fresh, "--report", symbol) == [
        r for r in before if r["report"] == symbol
    ]


def _in_read_only_folder(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run a command with `folder` bind-mounted read-only in a private mount namespace."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(folder), *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_database_in_a_read_only_folder_serves_reads(bundled_db: Path, tmp_path: Path) -> None:
    """A WAL database whose -shm cannot be created opens with immutable=1 (shared volumes)."""
    if _in_read_only_folder(tmp_path, "true").returncode != 0:
        pytest.skip("needs unshare -m and bind mounts (root in a container)")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "shared.sqlite3"
    bundled_db.rename(db)
    before = db.read_bytes()
    bot = [sys.executable, "-m", "bot", "--db", str(db)]
    done = _in_read_only_folder(folder, *bot, "cite", "S/2016/501", "1")
    assert done.returncode == 0, done.stderr
    assert "## S/2016/501, para. 1 " in done.stdout
    refused = _in_read_only_folder(folder, *bot, "ingest", str(db))
    assert refused.returncode == 2
    assert refused.stderr.startswith("reportbot: ")
    assert "Traceback" not in refused.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["shared.sqlite3"]


def test_export_into_a_closed_pipe_exits_quietly(bundled_db: Path) -> None:
    """`reportbot export | head` must not print a BrokenPipeError traceback."""
    export = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(bundled_db), "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None
    assert export.stdout.read(10) == b'{"report":'
    export.stdout.close()
    _, err = export.communicate(timeout=60)
    assert export.returncode == 0
    assert b"Traceback" not in err


@pytest.mark.parametrize("command", [["reports"], ["cite", "S/2018/80", "1"], ["ingest", "x.txt"]])
def test_a_file_that_is_not_a_database_is_a_clear_error(
    capsys, tmp_path: Path, command: list[str]
) -> None:
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("my shopping list\n" * 300, encoding="utf-8")
    before = junk.read_bytes()
    status, out, err = run(capsys, "--db", str(junk), *command)
    assert status == 2
    assert out == ""
    assert err.startswith(f"reportbot: {junk}: not a usable reportbot database")
    assert junk.read_bytes() == before


def test_reportbot_read_only_refuses_ingest_and_still_cites(
    capsys, bundled_db: Path, tmp_path: Path, report_text, table_checksums
) -> None:
    env = {"REPORTBOT_DB": str(bundled_db), "REPORTBOT_READ_ONLY": "1"}
    path = tmp_path / "new.txt"
    path.write_text(report_text(PARAGRAPHS), encoding="utf-8")
    before = table_checksums(bundled_db)
    status, _, err = run(capsys, "ingest", str(path), "--symbol", "S/2099/1", env=env)
    assert status == 2
    assert "read-only" in err
    status, out, _ = run(capsys, "cite", "S/2016/501", "91", env=env)
    assert status == 0
    assert "## S/2016/501, para. 91 " in out
    assert table_checksums(bundled_db) == before
