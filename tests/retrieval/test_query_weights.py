"""How much each word of a question weighs: unknown names, function words."""

from __future__ import annotations

from collections.abc import Sequence

from tests.retrieval.one_report import answer_over


async def _ranked(texts: Sequence[str], question: str) -> list[int]:
    answer = await answer_over(texts, question)
    return [hit.paragraph.number for hit in answer.hits]


async def test_an_unknown_acronym_is_searched_as_its_known_one_word_name() -> None:
    texts = [
        "The State of Iraq and the Levant is a region of Iraq.",  # spelled-out words, no name
        "ISIL fighters returned to their home countries.",
        "Member States strengthened cooperation on borders.",
    ]
    assert await _ranked(texts, "ISIS") == [2]


FILLER = [
    "Oil production fell.",
    "Courts convicted fighters.",
    "Donors met in Doha.",
    "Prisons need staff.",
    "Drones were seen.",
    "Schools reopened.",
    "Banks closed.",
]


async def test_a_function_word_weighs_less_than_a_topic_word() -> None:
    # "across" is rarer here than "border", so plain BM25 would put paragraph 1 first.
    texts = ["Fighters travel across the region.", "Border guards watch.", "Border posts."]
    ranked = await _ranked(texts + FILLER, "across borders")
    assert sorted(ranked[:2]) == [2, 3]
    assert ranked[2] == 1
