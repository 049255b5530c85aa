"""Zero-width characters and soft hyphens inside a word (left by PDF and web copies) do not
hide the word from search, and excerpts stay verbatim slices of the stored paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.library import Library
from retrieval.tokenize import tokenize, tokenize_spans

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@given(
    word=st.sampled_from(["financing", "revenues", "radicalization", "Da'esh", "hawala"]),
    data=st.data(),
)
def test_an_invisible_character_inside_a_word_changes_no_term(
    word: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(min_value=1, max_value=len(word) - 1))
    mark = data.draw(st.sampled_from(INVISIBLE))
    broken = word[:at] + mark + word[at:]
    assert tokenize(f"oil {broken} now") == tokenize(f"oil {word} now")
    spans = tokenize_spans(f"oil {broken} now")
    assert [(t.start, t.end) for t in spans][1] == (4, 4 + len(broken))  # highlights the whole word


@pytest.mark.parametrize("mark", INVISIBLE)
async def test_a_question_with_an_invisible_character_inside_a_word_finds_it(
    library: Library, mark: str
) -> None:
    plain = await library.ask("hawala", k=5)
    assert plain.hits
    broken = await library.ask(f"ha{mark}wala", k=5)
    assert [h.citation for h in broken.hits] == [h.citation for h in plain.hits]
    assert broken.query == "hawala"
    for hit in broken.hits:
        assert hit.excerpt.text == hit.paragraph.text[hit.excerpt.start : hit.excerpt.end]
