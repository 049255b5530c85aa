"""Every setting is documented in docs/configuration.md, and nothing else is.

Modelled on datasette's test_settings_are_documented: the code is the list, the docs follow it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import env_variables

PAGE = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<rest>.*)\|\s*$")


def configuration_rows(markdown: str) -> dict[str, list[str]]:
    """Variable name -> its other cells, from the `## Environment variables` section only."""
    section = re.search(r"^## Environment variables\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    if section is None:
        return {}
    rows: dict[str, list[str]] = {}
    for line in section.group(1).splitlines():
        match = ROW.match(line.strip())
        if match:
            cells = [cell.strip() for cell in match["rest"].split("|")]
            rows.setdefault(match["name"], []).append(" | ".join(cells))
    return rows


def test_the_parser_reads_a_table() -> None:
    text = "## Environment variables\n\n| variable | default | meaning |\n|---|---|---|\n"
    text += "| `REPORTBOT_DB` | `reportbot.sqlite3` | where |\n\n## Next\n| `OTHER` | x | y |\n"
    assert configuration_rows(text) == {"REPORTBOT_DB": ["`reportbot.sqlite3` | where"]}
    assert configuration_rows("# nothing here") == {}


@pytest.fixture(scope="module")
def documented() -> dict[str, list[str]]:
    return configuration_rows(PAGE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("variable", env_variables())
def test_each_setting_has_one_row_with_a_meaning(
    documented: dict[str, list[str]], variable: str
) -> None:
    assert variable in documented, f"docs/configuration.md has no row for `{variable}`"
    assert len(documented[variable]) == 1, f"`{variable}` has several rows"
    default, _, meaning = documented[variable][0].partition(" | ")
    assert default, f"`{variable}` has no default cell"
    assert len(meaning) > 10, f"`{variable}` needs a meaning"


def test_no_row_documents_a_setting_that_does_not_exist(documented: dict[str, list[str]]) -> None:
    assert set(documented) <= set(env_variables())
