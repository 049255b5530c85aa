"""Finding aliases in a question through a term lookup, not a pass over every group, finds
exactly what the pass did: the same groups, names and order, for any question."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.aliases import AliasGroup, AliasTable, Match, _match, curated_aliases
from retrieval.tokenize import tokenize


def every_group(table: AliasTable, question: str, terms: list[str]) -> list[Match]:
    """AliasTable.find as it was: each group's names tested in turn."""
    matches = (_match(names, question, set(terms)) for names in table._names)
    return [m for m in matches if m is not None]


CURATED = AliasTable(curated_aliases())
NAMES = sorted({name for group in CURATED.groups for name in group.names})
LEARNED = [
    AliasGroup(("ISGS", "Islamic State in the Greater Sahara"), "defined in S/1"),
    AliasGroup(("US", "United States"), "defined in S/2"),
    AliasGroup(("IS", "Da'esh", "Daesh"), "defined in S/3"),
]
WORDS = [*NAMES, "the", "is", "us", "of", "funding", "what", "oil", "Sahara", "state", "IS"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(WORDS), max_size=8), st.booleans())
def test_lookup_finds_what_every_group_pass_finds(words: list[str], learned: bool) -> None:
    table = AliasTable([*curated_aliases(), *LEARNED]) if learned else CURATED
    question = " ".join(words)
    terms = tokenize(question)
    assert table.find(question, terms) == every_group(table, question, terms)


def test_a_name_in_the_question_is_found() -> None:
    found = CURATED.find("oil sold by Daesh", tokenize("oil sold by Daesh"))
    assert any("daesh" in m.typed for m in found)
