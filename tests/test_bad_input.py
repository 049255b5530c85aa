"""Bad files are refused with exit status 2 and a clear message, and the database is untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from corpus.decode import MAX_REPORT_BYTES

LONG = (
    "Member States reported that the group continued to move funds and fighters across the "
    "region, and that cooperation on border security improved during the period"
)


def numbered(numbers: list[int]) -> bytes:
    lines = ["Report of the Secretary-General on testing", "I. Introduction"]
    lines.extend(f"{n}. {LONG} ({n})." for n in numbers)
    return ("\n".join(lines) + "\n").encode()


def ingest(capsys, db: Path, path: Path, *flags: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), "ingest", str(path), *flags], env={})
    out, err = capsys.readouterr()
    return status, out, err


def exported(capsys, db: Path, symbol: str) -> list[dict]:
    assert main(["--db", str(db), "export", "--report", symbol], env={}) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


BAD_FILES = {
    "empty": (b"", ["--symbol", "S/2099/1"], "empty"),
    "blank": (b"\n  \n\t\n", ["--symbol", "S/2099/1"], "empty"),
    "binary": (bytes(range(256)) * 64, ["--symbol", "S/2099/1"], "binary"),
    "no numbered paragraphs": (
        b"Report of the Secretary-General\nThere are no numbered paragraphs here at all.\n",
        ["--symbol", "S/2099/1"],
        "no numbered paragraphs",
    ),
    "duplicate numbers": (numbered([1, 2, 2, 3]), ["--symbol", "S/2099/1"], "2 appears twice"),
    "missing numbers": (numbered([1, 2, 4, 5]), ["--symbol", "S/2099/1"], "paragraph 4 follows 2"),
    "undecodable": (
        b"S/2099/1\n1. caf\xe9 \x81\x8d\x8f\x90\x9d \xff\xfe\xc3\x28 " + LONG.encode() + b"\n",
        ["--symbol", "S/2099/1"],
        "UTF-8",
    ),
}


@pytest.mark.parametrize(("content", "flags", "says"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_and_nothing_changes(
    capsys, bundled_db: Path, tmp_path: Path, table_checksums, content, flags, says
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = table_checksums(bundled_db)
    status, out, err = ingest(capsys, bundled_db, path, *flags)
    assert status == 2
    assert out == ""
    assert err.startswith("reportbot: ")
    assert "bad.txt" in err
    assert says.lower() in err.lower()
    assert "Traceback" not in err
    assert table_checksums(bundled_db) == before


def test_a_huge_file_is_refused_before_it_is_read(
    capsys, bundled_db: Path, tmp_path: Path, table_checksums
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, no time to write
    before = table_checksums(bundled_db)
    status, _, err = ingest(capsys, bundled_db, path, "--symbol", "S/2099/1")
    assert status == 2
    assert f"{MAX_REPORT_BYTES:,}" in err
    assert table_checksums(bundled_db) == before


def test_a_symbol_contradicting_the_flag_is_refused(
    capsys, bundled_db: Path, tmp_path: Path, table_checksums
) -> None:
    path = tmp_path / "s-2099-1.jsonl"
    rows = exported(capsys, bundled_db, "S/2018/80")
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    before = table_checksums(bundled_db)
    status, _, err = ingest(capsys, bundled_db, path, "--symbol", "S/2099/2")
    assert status == 2
    assert "S/2018/80" in err
    assert "S/2099/2" in err
    assert table_checksums(bundled_db) == before


def test_a_report_replacing_a_good_one_fails_without_losing_it(
    capsys, bundled_db: Path, tmp_path: Path, table_checksums
) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(numbered([1, 2, 2]))
    before = table_checksums(bundled_db)
    status, _, _ = ingest(capsys, bundled_db, path, "--symbol", "S/2018/80")
    assert status == 2
    assert table_checksums(bundled_db) == before
    assert len(exported(capsys, bundled_db, "S/2018/80")) == 86


ENCODINGS = {
    "utf-8 with BOM": ("utf-8-sig", "Da’esh café"),
    "utf-16 LE with BOM": ("utf-16", "Da’esh café"),
    "utf-16 BE with BOM": ("utf-16-be", "Da’esh café"),
    "cp1252": ("cp1252", "Da’esh café"),
}


@pytest.mark.parametrize(("encoding", "word"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_common_encodings_ingest_with_the_right_text(
    capsys, bundled_db: Path, tmp_path: Path, encoding: str, word: str
) -> None:
    text = numbered([1, 2]).decode().replace("(1).", f"({word}).")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "encoded.txt"
    path.write_bytes(data)
    status, out, err = ingest(capsys, bundled_db, path, "--symbol", "S/2099/1")
    assert status == 0, err
    assert out.startswith("S/2099/1: added, 2 paragraphs")
    first = exported(capsys, bundled_db, "S/2099/1")[0]
    assert first["text"] == f"{LONG} ({word})."
