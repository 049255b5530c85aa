"""The tokenizer: one function for paragraphs and questions, so both sides meet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.tokenize import americanize, tokenize, tokenize_spans


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Da’esh", "Da'esh"),
        ("Da'esh", "Daesh"),
        ("ISIL’s fighters", "ISIL fighters"),
        ("radicalisation", "radicalization"),
        ("radicalised", "radicalized"),
        ("behaviour", "behavior"),
        ("centre", "center"),
        ("travelled", "traveled"),
        ("defence", "defense"),
        ("programme", "program"),
        ("38,000", "38000"),
        ("FTFs", "FTF"),
        ("IEDs", "IED"),
        ("NGOs", "NGO"),
        ("ＩＳＩＬ", "ISIL"),  # full-width letters: NFKC
        ("COUNTER-TERRORISM", "counter‑terrorism"),  # non-breaking hyphen
    ],
)
def test_spelling_variants_meet(left: str, right: str) -> None:
    assert tokenize(left) == tokenize(right)


def test_hyphenated_compound_gives_parts_and_joined_form() -> None:
    terms = tokenize("counter-terrorism")
    assert terms[:2] == tokenize("counter terrorism")
    assert terms[2] == tokenize("counterterrorism")[0]


def test_document_symbol_is_kept_whole_and_as_numbers() -> None:
    assert tokenize("see S/2017/573.")[1:] == ["s/2017/573", "2017", "573"]
    assert tokenize("s/2017/573")[0] == tokenize("S/2017/573")[0]


def test_resolution_reference_is_one_term_plus_its_numbers() -> None:
    assert tokenize("resolution 2253 (2015)")[1:] == ["2253", "2015", "2253(2015)"]


def test_stopwords_and_question_words_do_not_become_terms() -> None:
    assert tokenize("what is the and of") == []


@pytest.mark.parametrize(("form", "base"), [("fallen", "fall"), ("fell", "falls"), ("lost", "lose"),
                                             ("sold", "selling"), ("held", "holds")])  # fmt: skip
def test_irregular_past_forms_meet_their_verb(form: str, base: str) -> None:
    assert tokenize(form) == tokenize(base)


def test_plain_words_are_stemmed_the_same_way() -> None:
    assert tokenize("financing") == tokenize("finance")
    assert tokenize("fighters") == tokenize("fighter")


@pytest.mark.parametrize("word", ["four", "hour", "your", "tour", "expertise"])
def test_words_without_a_british_form_are_left_alone(word: str) -> None:
    assert americanize(word) == word


def test_spans_point_at_the_words_they_came_from() -> None:
    text = "ISIL’s counter-terrorism, in S/2017/573."
    words = {text[t.start : t.end] for t in tokenize_spans(text)}
    assert words == {"ISIL’s", "counter", "terrorism", "counter-terrorism", "S/2017/573", "2017",
                     "573"}  # fmt: skip


@given(st.text(max_size=300))
def test_any_text_tokenizes_to_nonempty_terms_with_spans_inside(text: str) -> None:
    for term in tokenize_spans(text):
        assert term.term
        assert 0 <= term.start < term.end <= len(text)
        assert not any(c.isspace() for c in term.term)


@given(st.text(alphabet=st.characters(codec="ascii", categories=["L", "Nd", "P", "Zs"])))
def test_tokenize_is_case_insensitive(text: str) -> None:
    assert tokenize(text.upper()) == tokenize(text.lower())
