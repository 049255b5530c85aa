"""quote_block renders exactly as its first, plainer form did: the tuned one (no max/min calls,
no copies of the text before and after the quote) must not change a byte of any answer."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from bot.quoting import _BOLD_CLOSE, _BOLD_OPEN, ELLIPSIS, escape_quoted, quote_block


def reference_quote_block(
    text: str, start: int, end: int, highlights: Sequence[tuple[int, int]] = ()
) -> str:
    marked, pos = [], start
    clean = _BOLD_OPEN not in text and _BOLD_CLOSE not in text
    for lo, hi in sorted(highlights) if clean else ():
        lo, hi = max(lo, start, pos), min(hi, end)
        if lo < hi:
            marked += [text[pos:lo], _BOLD_OPEN, text[lo:hi], _BOLD_CLOSE]
            pos = hi
    marked.append(text[pos:end])
    body = escape_quoted("".join(marked)).replace(_BOLD_OPEN, "**").replace(_BOLD_CLOSE, "**")
    lead = ELLIPSIS if start > 0 and not text[:start].endswith("\n") else ""
    tail = ELLIPSIS if end < len(text.rstrip()) else ""
    return "\n".join("> " + line for line in f"{lead}{body}{tail}".split("\n"))


_TEXT = st.text(alphabet="ab *_\n\t.#>-1@<" + _BOLD_OPEN + _BOLD_CLOSE + "\u2003", max_size=40)


@given(_TEXT, st.data())
def test_quote_block_is_the_reference(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans = st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))
    highlights = data.draw(st.lists(spans, max_size=5))
    assert quote_block(text, start, end, highlights) == reference_quote_block(
        text, start, end, highlights
    )
