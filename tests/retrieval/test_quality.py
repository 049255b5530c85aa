"""Retrieval quality on the development questions, through the real Library (in-process).

nDCG@10 as the shared scorer computes it (graded gains, log2 discount, duplicates once). The
floor is the level the method reached (scripts/eval.sh; README "Search quality") minus 0.005,
so a change that makes answers worse fails here, and one that helps should raise the floor.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from retrieval.library import Library

QUESTIONS = json.loads((Path(__file__).parent / "data" / "dev_questions.json").read_text("utf-8"))
REACHED = 0.7879  # nDCG@10 over the answerable dev questions (n=19)
PER_KIND_REACHED = {
    "fact": 0.781,
    "topic": 0.997,
    "entity": 0.877,
    "number": 0.974,
    "acronym": 0.945,
    "cross-report": 0.887,
    "paraphrase": 0.097,
    "cite-style": 0.967,
}


def ndcg_at_10(ranked: list[str], relevant: dict[str, int]) -> float:
    seen: list[str] = []
    for key in ranked:
        if key not in seen:
            seen.append(key)
    gains = [relevant.get(key, 0) for key in seen[:10]]
    ideal = sorted(relevant.values(), reverse=True)[:10]

    def dcg(values: list[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(values))

    return dcg(gains) / dcg(ideal)


async def score(library: Library) -> dict[str, list[float]]:
    by_kind: dict[str, list[float]] = {}
    for question in QUESTIONS:
        if not question["relevant"]:
            continue
        answer = await library.ask(question["question"], k=10)
        ranked = [f"{hit.paragraph.report}#{hit.paragraph.number}" for hit in answer.hits]
        by_kind.setdefault(question["kind"], []).append(ndcg_at_10(ranked, question["relevant"]))
    return by_kind


async def test_dev_set_ndcg_does_not_drop(library: Library) -> None:
    by_kind = await score(library)
    values = [v for vs in by_kind.values() for v in vs]
    assert len(values) == 19
    overall = sum(values) / len(values)
    per_kind = {kind: round(sum(vs) / len(vs), 3) for kind, vs in by_kind.items()}
    assert overall >= REACHED - 0.005, per_kind
    for kind, reached in PER_KIND_REACHED.items():
        assert per_kind[kind] >= reached - 0.05, (kind, per_kind)


async def test_unanswerable_dev_question_is_flagged_weak(library: Library) -> None:
    for question in QUESTIONS:
        if not question["relevant"]:
            answer = await library.ask(question["question"], k=10)
            assert answer.weak or not answer.hits, question["question"]
            assert answer.reason


def test_ask_json_is_what_the_scorer_reads(bundled_db: Path, capsys) -> None:
    """`reportbot ask --json` (run in-process here) is the ranking scripts/eval.sh scores."""
    from bot.cli import main

    status = main(
        ["--db", str(bundled_db), "ask", "--json", "-k", "3", "Daesh attacks in Kabul"], env={}
    )
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert [hit["citation"] for hit in out["hits"]][:2] == [
        "S/2016/501, para. 34",
        "S/2018/80, para. 31",
    ]
    for hit in out["hits"]:
        assert hit["excerpt"] in hit["text"]
        assert set(hit) >= {"report", "number", "score", "section", "matched", "coverage"}
    assert {"query", "took_ms", "weak", "reason", "total"} <= set(out)


def test_ask_prints_quotes_with_citations(bundled_db: Path, capsys) -> None:
    from bot.cli import main

    assert main(["--db", str(bundled_db), "ask", "S/2018/80#13"], env={}) == 0
    printed = capsys.readouterr().out
    assert "S/2018/80, para. 13" in printed
    assert "ISIL to generate revenues" in printed
