"""The fast tokenizer (units cached) finds exactly what the reference, unit-less one finds."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from retrieval import tokenize as tokenize_module
from retrieval.tokenize import find_terms, learn_unit_terms, text_units, tokenize, tokenize_spans
from tests.retrieval import reference_tokenize as reference

# Pieces the reports are made of, and the characters that decide where a term starts and ends.
_PIECES = [
    "S/2017/573",
    "A/RES/70/291",
    "s/2018/80.",
    "(S/2019/50)",
    "38,000",
    "1,234.5",
    "2017",
    "2253 (2015)",
    "2253(2015)",
    "2368 (2017),",
    "12345 (2015)",
    "(2015)",
    "(2016),",
    "counter-terrorism",
    "COUNTER‑TERRORISM",
    "self-",
    "-based",
    "ISIL’s",
    "ISIL's",
    "States’",
    "Da’esh",
    "‘quoted’",
    "“Al-Qaida-in-Iraq-style”",
    "FTFs",
    "IEDs",
    "ﬁnancing",
    "ＩＳＩＬ",
    "fi\u200bnancing",
    "radicalisation",
    "behaviour",
    "fallen",
    "went",
    "ate",
    "the",
    "and",
    "para.",
    "(a)",
    "—",
    "–",
    "/",
    "(",
    ")",
    ",",
    "'s",
]
_SPACE = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", "\xa0", "\u2003", "\u3000", ""])
_TEXT = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(max_size=12), _SPACE), max_size=30
).map("".join)


def _spans(terms: list[reference.Term]) -> list[tuple[str, int, int]]:
    return [(t.term, t.start, t.end) for t in terms]


@settings(max_examples=400)
@given(_TEXT)
@example("resolutions 2253 (2015) and 2368 (2017) (2018)")
@example("in 2015 (the year) and 12345\xa0(2015), 2253\u2003(2015)")
@example("ISIL’s counter-terrorism financing of 38,000 fighters (S/2017/573)")
def test_terms_and_offsets_equal_the_reference(text: str) -> None:
    assert tokenize(text) == reference.tokenize(text)
    assert _spans(tokenize_spans(text)) == _spans(reference.tokenize_spans(text))


@given(_TEXT, st.sets(st.sampled_from(["isil", "2017", "counterterror", "financ", "fighter"])))
def test_find_terms_keeps_only_the_wanted_terms_with_their_offsets(
    text: str, wanted: set[str]
) -> None:
    everything = _spans(reference.tokenize_spans(text))
    assert _spans(find_terms(text, wanted)) == [s for s in everything if s[0] in wanted]


@settings(max_examples=300)
@given(st.data(), _TEXT, _TEXT)
@example(None, "isil isils isil-led ISIL", "")
@example(None, "fighters went home, and ate", "")
def test_find_terms_finds_every_occurrence_of_the_texts_own_terms(
    data: st.DataObject | None, text: str, more: str
) -> None:
    """Terms drawn from the text itself (some repeated, some inside longer words, some in
    units that join, as "2253 (2015)"): each is found wherever the reference finds it, in order."""
    text = f"{text} {more} {text}"
    tokenize_module._UNIT_TERMS.clear()  # every unit new, as in a process's first answers
    everything = _spans(reference.tokenize_spans(text))
    terms = sorted({s[0] for s in everything})
    wanted = (
        set(terms)
        if data is None
        else data.draw(st.sets(st.sampled_from(terms)) if terms else st.just(set()))
    )
    assert _spans(find_terms(text, wanted)) == [s for s in everything if s[0] in wanted]
    assert _spans(find_terms(text, dict.fromkeys(wanted, 1.0))) == _spans(find_terms(text, wanted))


@given(st.text(max_size=200))
def test_any_unicode_text_tokenizes_like_the_reference(text: str) -> None:
    assert _spans(tokenize_spans(text)) == _spans(reference.tokenize_spans(text))
    assert tokenize(text) == reference.tokenize(text)


_WORDS = st.sampled_from(
    [
        "the",
        "also",
        "fallen",
        "went",
        "radicalisation",
        "behaviours",
        "labour",
        "defence",
        "programmes",
        "dying",
        "skies",
        "fighters",
        "isil",
        "news",
        "only",
        "yes",
    ]
)


@given(
    st.lists(
        st.one_of(
            _WORDS,
            st.text(alphabet="abcdefghijklmnopqrstuvwxyzAZIS'-é", min_size=1, max_size=12),
            st.text(alphabet="abcsAISFT()[],.;:!?\"'-/019é", min_size=1, max_size=8),
        ),
        max_size=40,
    )
)
def test_terms_learnt_many_at_once_are_the_references(words: list[str]) -> None:
    """Words whose terms are worked out in one call of the stemmer (plain words in any case,
    maybe wrapped in punctuation: "(FTFs),") tokenize as the reference tokenizes them, in a
    text and in find_terms."""
    text = " ".join(words)
    tokenize_module._UNIT_TERMS.clear()  # every unit new: learnt here, not met before
    learn_unit_terms(text_units(text))
    assert tokenize(text) == reference.tokenize(text)
    everything = _spans(reference.tokenize_spans(text))
    wanted = {s[0] for s in everything[::2]}
    assert _spans(find_terms(text, wanted)) == [s for s in everything if s[0] in wanted]
