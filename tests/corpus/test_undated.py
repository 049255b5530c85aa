"""An undated report is still found by --year, through the year its symbol carries."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import main

TEXT = (
    "Report of the Secretary-General on testing the zephyr network\n"
    "I. Introduction\n"
    "1. The zephyr network moved funds across the region during the period under review.\n"
)


def test_an_undated_report_is_found_by_the_year_of_its_symbol(
    capsys, bundled_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "undated.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert (
        main(["--db", str(bundled_db), "ingest", str(path), "--symbol", "S/2019/103"], env={}) == 0
    )
    out = capsys.readouterr().out
    assert "warning: no date in the text, the manifest or --date: the year 2019" in out
    args = ["--db", str(bundled_db), "ask", "zephyr network", "--year", "2019", "--json"]
    assert main(args, env={}) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [hit["citation"] for hit in answer["hits"]] == ["S/2019/103, para. 1"]
