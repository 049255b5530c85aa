"""Retrieval quality on both development sets, through the real Library (in-process).

nDCG@10 as the shared scorer computes it (graded gains, log2 discount, duplicates once). Each set
has one overall floor, the level the shipped search reached (scripts/eval.py; docs "Search
quality") minus 0.005: a change that makes answers worse fails here. There is no floor per kind:
two or three questions a kind are noise. `dev` is the shared set; `own` (eval/own_questions.json)
was written from the reports' paragraphs before the search ran on it; `fresh`
(eval/fresh_questions.json) likewise, later and by someone else, and is read only as a total;
`blind` (eval/blind_questions.json) by someone who never saw the bot, in a team's own words;
`team` (eval/team_questions.json) the same way, by another, to be developed on.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.library import Library

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = json.loads((Path(__file__).parent / "data" / "dev_questions.json").read_text("utf-8"))
OWN_QUESTIONS = json.loads((ROOT / "eval" / "own_questions.json").read_text("utf-8"))
FRESH_QUESTIONS = json.loads((ROOT / "eval" / "fresh_questions.json").read_text("utf-8"))
BLIND_QUESTIONS = json.loads((ROOT / "eval" / "blind_questions.json").read_text("utf-8"))
TEAM_QUESTIONS = json.loads((ROOT / "eval" / "team_questions.json").read_text("utf-8"))
SETS = {
    "dev": QUESTIONS,
    "own": OWN_QUESTIONS,
    "fresh": FRESH_QUESTIONS,
    "blind": BLIND_QUESTIONS,
    "team": TEAM_QUESTIONS,
}
# nDCG@10 over the answerable questions (19, 93, 87, 57, 57)
REACHED = {"dev": 0.948, "own": 0.848, "fresh": 0.878, "blind": 0.778, "team": 0.731}


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


async def overall(library: Library, questions: list[dict]) -> float:
    values = []
    for question in questions:
        if not question["relevant"]:
            continue
        answer = await library.ask(question["question"], k=10)
        ranked = [f"{hit.paragraph.report}#{hit.paragraph.number}" for hit in answer.hits]
        values.append(ndcg_at_10(ranked, question["relevant"]))
    return sum(values) / len(values)


@pytest.mark.parametrize("name", sorted(SETS))
async def test_ndcg_does_not_drop(library: Library, name: str) -> None:
    assert await overall(library, SETS[name]) >= REACHED[name] - 0.005


async def test_unanswerable_questions_are_flagged_weak(library: Library) -> None:
    """Every unanswerable dev question, and most of our own (one names a man the reports do
    mention, only not his death: words and meaning both match, so no flag can tell)."""
    unanswerable = [q for q in QUESTIONS + OWN_QUESTIONS if not q["relevant"]]
    flagged = []
    for question in unanswerable:
        answer = await library.ask(question["question"], k=10)
        if answer.weak or not answer.hits:
            assert answer.reason
            flagged.append(question["id"])
    assert {q["id"] for q in QUESTIONS if not q["relevant"]} <= set(flagged)
    assert len(flagged) >= len(unanswerable) - 1, flagged


async def test_a_name_no_report_mentions_makes_the_answer_weak(library: Library) -> None:
    answer = await library.ask("what role does NATO play against ISIL", k=5)
    assert answer.weak
    assert answer.reason is not None
    assert "“NATO”" in answer.reason
    assert not (await library.ask("what role does ISIL play in Libya", k=5)).weak


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
        assert isinstance(hit["section"], list)  # the same shape as export and cite --json
    assert {"query", "took_ms", "weak", "reason", "total"} <= set(out)


def test_ask_prints_quotes_with_citations(bundled_db: Path, capsys) -> None:
    from bot.cli import main

    assert main(["--db", str(bundled_db), "ask", "S/2018/80#13"], env={}) == 0
    printed = capsys.readouterr().out
    assert "S/2018/80, para. 13" in printed
    assert "ISIL to generate revenues" in printed


VOCABULARY = sorted(
    {w.strip('.,;:()“”"') for q in QUESTIONS for w in q["question"].split()}
    | {"S/2018/80", "para", "13", "year:2016", "report:S/2016/501", '"', "Da’esh", "ISIL’s"}
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join), st.integers(1, 10))
async def test_real_corpus_excerpts_are_slices_of_the_cited_paragraph(
    library: Library, question: str, k: int
) -> None:
    answer = await library.ask(question, k=k)
    assert answer.hits or answer.reason
    for hit in answer.hits:
        (stored,) = await library.cite(hit.paragraph.report, hit.paragraph.number)
        assert stored.text == hit.paragraph.text
        assert hit.excerpt.text
        assert hit.excerpt.text == stored.text[hit.excerpt.start : hit.excerpt.end]
        for lo, hi in hit.excerpt.highlights:
            assert hit.excerpt.start <= lo < hi <= hit.excerpt.end
