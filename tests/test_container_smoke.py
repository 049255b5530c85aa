"""The container smoke test cleans up after itself: no anonymous volume left per run.

The image declares VOLUME /data, so every container started without a /data mount gets an
anonymous volume; `docker rm` keeps it unless given -v (`docker run --rm` removes it).
Docker is not needed here: the script's docker calls are read as text.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "container-smoke.sh"


def docker_calls(script: str) -> list[list[str]]:
    """Each `"$DOCKER" …` call as words, continuation lines joined."""
    joined = script.replace("\\\n", " ")
    calls = []
    for line in joined.splitlines():
        for match in re.finditer(r'"\$DOCKER"\s+([^;|&)]*)', line):
            try:
                calls.append(shlex.split(match.group(1), comments=True))
            except ValueError:
                calls.append(match.group(1).split())
    return calls


def test_the_parser_reads_calls() -> None:
    text = '"$DOCKER" rm -f "$X" >/dev/null 2>&1\n"$DOCKER" run --rm \\\n  -v a:/data img ask\n'
    assert docker_calls(text)[0][:2] == ["rm", "-f"]
    assert docker_calls(text)[1][:2] == ["run", "--rm"]


def test_every_container_removal_removes_its_anonymous_volumes() -> None:
    removals = [call for call in docker_calls(SCRIPT.read_text()) if call[:1] == ["rm"]]
    assert removals
    for call in removals:
        flags = {word for word in call[1:] if word.startswith("-")}
        assert flags & {"-v", "-fv", "-vf", "--volumes"}, f"docker {' '.join(call)} keeps volumes"


def test_every_run_is_removed_or_cleaned_up() -> None:
    script = SCRIPT.read_text()
    for call in docker_calls(script):
        if call[:1] != ["run"]:
            continue
        if "--rm" in call:
            continue
        name = call[call.index("--name") + 1].strip("\"'") if "--name" in call else None
        assert name is not None, f"docker {' '.join(call)}: neither --rm nor a name to remove"
        suffix = name.replace("$RUN_ID", "")
        assert suffix in script.split("cleanup()", 1)[1].split("}", 1)[0], name
