"""The documentation tells the truth: every console example is the program's real output.

Like datasette's test_docs.py, the code is the source of truth and the pages follow it:
`scripts/docs.py --check` re-runs each documented command on the bundled corpus.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_MAX_LINES = 200
# Pages other engineers are writing on their branches; the README and docs link them already.
PENDING_PAGES = {"adding-reports.md", "series.md", "operations.md"}


@pytest.fixture(scope="module")
def docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_check", ROOT / "scripts" / "docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_every_documented_example_is_the_programs_output(docs: ModuleType) -> None:
    problems = docs.check(docs.pages())
    assert not problems, "\n\n".join(problems) + "\n\nrun: uv run python scripts/docs.py --update"


def test_the_pages_have_examples_to_check(docs: ModuleType) -> None:
    examples = [e for page in docs.pages() for e in docs.examples_in(page)]
    assert len(examples) >= 20
    assert any(e.is_console for e in docs.examples_in(ROOT / "README.md"))


def test_a_drifted_example_is_caught_and_update_repairs_it(
    docs: ModuleType, tmp_path: Path
) -> None:
    page = tmp_path / "commands.md"
    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    drifted = text.replace("reportbot: no paragraph 87 in S/2018/80", "reportbot: no para 87", 1)
    assert drifted != text
    page.write_text(drifted, encoding="utf-8")
    problems = docs.check([page])
    assert len(problems) == 1
    assert "-reportbot: no para 87" in problems[0]
    assert "+reportbot: no paragraph 87 in S/2018/80" in problems[0]
    assert docs.update([page]) == 1
    assert page.read_text(encoding="utf-8") == text
    assert docs.check([page]) == []


def test_only_reportbot_commands_are_accepted(docs: ModuleType, tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text("```console\n$ docker compose up\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="```sh block"):
        docs.check([page])


def test_timings_are_not_compared(docs: ModuleType, tmp_path: Path) -> None:
    page = tmp_path / "json.md"
    shutil.copyfile(ROOT / "docs" / "commands.md", page)
    text = page.read_text(encoding="utf-8")
    changed = re.sub(r'"took_ms": [0-9.]+', '"took_ms": 123456.7', text)
    assert changed != text
    page.write_text(changed, encoding="utf-8")
    assert docs.check([page]) == []


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES


def test_relative_links_point_at_files() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            if path.name in PENDING_PAGES:
                continue
            assert path.exists(), f"{page.relative_to(ROOT)} links to missing {target}"
