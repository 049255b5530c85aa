"""Typed words no paragraph holds are read as the reports' word one edit away, and the answer
says so; real words, acronyms and words the reports hold are left as typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.answer import Answer
from retrieval.options import SearchOptions
from retrieval.spelling import Reading, one_edit_away, read_as, spelled
from retrieval.tokenize import tokenize
from tests.retrieval.one_report import answer_over

TEXTS = [
    "Oil production fell in the east.",
    "ISIL continues to rely on financing from extortion and taxation.",
    "Courts convicted returning fighters.",
    "Cases of kidnapping for ransom rose.",
    "Donors met in Doha.",
]
SPELLING = SearchOptions(spelling=True)


async def _answer(question: str, options: SearchOptions = SPELLING) -> Answer:
    return await answer_over(TEXTS, question, k=3, options=options)


def _damerau_one(a: str, b: str) -> bool:
    """Whether b is one deletion, insertion, substitution or adjacent swap from a."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


async def test_a_typo_finds_the_paragraph_and_the_answer_says_how_it_was_read() -> None:
    answer = await _answer("how is ISIL finacing itself")
    assert answer.hits[0].paragraph.number == 2
    assert "Read “finacing” as “financing”." in (answer.reason or "")
    assert answer.hits[0].matched == ("ISIL", "finacing")  # the words typed, as typed
    lit = [answer.hits[0].paragraph.text[a:b] for a, b in answer.hits[0].excerpt.highlights]
    assert "financing" in lit


async def test_two_typos_are_both_read_and_named() -> None:
    answer = await _answer("kidnaping for ransum")
    assert answer.hits[0].paragraph.number == 4
    assert "“ransum” as “ransom”" in (answer.reason or "")


@pytest.mark.parametrize(
    ("texts", "typed", "shown"),
    [
        # the reports' capitals for the very word, written inside a sentence
        (["Links with Al-Qaida remain.", "Al-Qaida cells moved south."], "qaeda", "Qaida"),
        # a capital that only starts a sentence is not how the word is written
        (["Governments acted.", "Most governments acted."], "goverments", "governments"),
        (["Governments acted quickly."], "goverments", "governments"),
        # another form of the word in the hits is not what was typed
        (["The Government acted."], "goverments", "governments"),
    ],
)
async def test_the_reading_is_named_as_typed_with_the_reports_capitals(
    texts: list[str], typed: str, shown: str
) -> None:
    answer = await answer_over(texts + TEXTS, typed, k=3, options=SPELLING)  # TEXTS: idf > 0
    assert f"“{typed}” as “{shown}”" in (answer.reason or "")


async def test_off_by_default_a_typo_matches_nothing() -> None:
    answer = await _answer("finacing", SearchOptions(semantic=False))
    assert not answer.hits


async def test_a_library_opened_with_spelling_keeps_it_after_an_ingest(
    library_factory, report_text
) -> None:
    plain, spelling = (
        await library_factory(semantic=False),
        await library_factory(semantic=False, spelling=True),
    )
    assert not (await plain.ask("finacing")).hits
    assert "Read “finacing” as “financing”." in ((await spelling.ask("finacing")).reason or "")
    report = report_text(["The zephyr network moved funds."], title="Report on testing")
    await spelling.ingest(report.encode(), source="t.txt", symbol="S/2099/1")
    answer = await spelling.ask("zephir network")
    assert answer.hits[0].paragraph.report == "S/2099/1"
    assert "“zephir” as “zephyr”" in (answer.reason or "")


async def test_a_real_word_the_reports_lack_is_not_corrected() -> None:
    # "caves" is one letter from "cases" (in the reports) but a word: never read as another.
    answer = await _answer("caves", SearchOptions(semantic=False, spelling=True))
    assert not answer.hits
    assert "Read" not in (answer.reason or "")


def test_an_edit_of_the_ending_is_another_form_not_a_typo() -> None:
    # "jihadi" is "jihad" with a letter added after the stem; "jihadists" is one letter from
    # "jihadises" (term "jihad"), the letter past the stem. Neither is a typo of "jihad".
    assert read_as("jihadi", lambda t: 5 if t == "jihad" else 0) is None
    assert read_as("jihadists", lambda t: 5 if t == "jihad" else 0) is None
    # a letter doubled at the end is: one of the two is inside the stem
    assert read_as("eastt", lambda t: 5 if t == "east" else 0) == ("east", "east")


async def test_a_word_the_reports_hold_is_never_read_otherwise() -> None:
    answer = await _answer("extortion fighters")
    assert "Read" not in (answer.reason or "")


def test_an_acronym_and_a_short_word_are_left_as_typed() -> None:
    frequencies = dict.fromkeys(tokenize("ISIL oil east"), 3)
    assert read_as("Isiil", lambda t: frequencies.get(t, 0)) == ("isil", "isil")
    assert read_as("ISIIL", lambda t: frequencies.get(t, 0)) is None  # capitals: an acronym
    assert read_as("oill", lambda t: frequencies.get(t, 0)) is None  # under five letters


def test_the_reading_held_by_most_paragraphs_wins() -> None:
    frequencies = {"zorbit": 40, "zurbat": 2}  # "zorbat" is one edit from both
    assert read_as("zorbat", lambda t: frequencies.get(t, 0)) == ("zorbit", "zorbit")
    frequencies["zurbat"] = 90
    assert read_as("zorbat", lambda t: frequencies.get(t, 0)) == ("zurbat", "zurbat")
    assert read_as("figures", lambda t: 90) is None  # an English word: kept as typed


def test_spelled_replaces_each_read_word_in_place() -> None:
    text = "foriegn fighers returning"
    readings = [
        Reading("foriegn", "foreign", "foreign", 0, 7),
        Reading("fighers", "fighters", "fighter", 8, 15),
    ]
    assert spelled(text, readings) == "foreign fighters returning"
    assert spelled(text, []) == text


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9))
def test_every_spelling_offered_is_one_edit_away(word: str) -> None:
    spellings = {spelling for _, spelling in one_edit_away(word)}
    assert word not in spellings
    assert all(_damerau_one(word, s) for s in spellings)
    # and every single deletion and adjacent swap is among them
    assert {word[:i] + word[i + 1 :] for i in range(len(word))} - {word} <= spellings


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=10),
    st.dictionaries(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10),
        st.integers(1, 50),
        max_size=20,
    ),
)
def test_a_reading_is_one_edit_away_and_held_by_paragraphs(word: str, held: dict) -> None:
    found = read_as(word, lambda t: held.get(t, 0))
    if found is not None:
        spelling, term = found
        assert _damerau_one(word, spelling)
        assert tokenize(spelling) == [term]
        assert held.get(term, 0) > 0
