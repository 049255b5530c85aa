"""Pure: quote report text for Discord: escaped, bolded, and cut only between sentences or words.

What is shown stays the report's own words: escaping adds only backslashes and zero-width
spaces (Discord hides both), and a long text is split into pieces that are each a slice of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

ELLIPSIS = "…"
_BOLD_OPEN, _BOLD_CLOSE = "\ue000", "\ue001"  # private-use marks survive escaping, then become **
# Escaped everywhere (discord.utils.escape_markdown skips the inside of "[a](b) … [c](d)").
_MARKDOWN_CHAR = re.compile(r"([\\*_~`|\[\]>#])")
_LINE_START_MARK = re.compile(r"^(\s*)([-+])", re.MULTILINE)  # list bullets, "-# " subtext
_LIST_NUMBER = re.compile(r"^(\s*\d+)\.", re.MULTILINE)
_MASS_MENTION = re.compile(r"@(everyone|here)")
_ANGLE_MARKUP = re.compile(r"<(?=[@#:/]|a:|t:)")  # <@user> <@&role> <#chan> <:emoji:> <t:…> </cmd:>
_SENTENCE_END = re.compile(r"[.!?;:][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")
# Where any of the five patterns above could match (supersets of them): text holding neither
# needs no escaping, and two searches are cheaper than five substitutions that change nothing
# (a character class is scanned for fast; an alternation with it would be tried at every place).
_MAY_ESCAPE_CHAR = re.compile(r"[\\*_~`|\[\]>#@<]")
_MAY_ESCAPE_LINE = re.compile(r"^\s*[-+\d]", re.MULTILINE)


def escape_quoted(text: str) -> str:
    """Escape report text so it renders as written: no Markdown, links, lists or mentions."""
    if _MAY_ESCAPE_CHAR.search(text) is None and _MAY_ESCAPE_LINE.search(text) is None:
        return text
    text = _MARKDOWN_CHAR.sub(r"\\\1", text)
    text = _LINE_START_MARK.sub(r"\1\\\2", text)
    text = _LIST_NUMBER.sub(r"\1\\.", text)
    text = _MASS_MENTION.sub("@\u200b\\1", text)
    return _ANGLE_MARKUP.sub("<\u200b", text)


def clip(text: str, limit: int) -> str:
    """Shorten text that is not a quotation (titles, user input) with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def quote_block(text: str, start: int, end: int, highlights: Sequence[tuple[int, int]] = ()) -> str:
    """Render text[start:end] as an escaped block quote with the highlighted words in bold."""
    marked, pos = [], start
    clean = _BOLD_OPEN not in text and _BOLD_CLOSE not in text
    for lo, hi in sorted(highlights) if clean else ():
        lo = lo if lo > pos else pos  # pos >= start: max(lo, start, pos)
        hi = hi if hi < end else end
        if lo < hi:
            marked += [text[pos:lo], _BOLD_OPEN, text[lo:hi], _BOLD_CLOSE]
            pos = hi
    marked.append(text[pos:end])
    body = escape_quoted("".join(marked))
    if pos > start or not clean:  # marks to turn into bold (none when nothing was lit)
        body = body.replace(_BOLD_OPEN, "**").replace(_BOLD_CLOSE, "**")
    lead = ELLIPSIS if start > 0 and not text.endswith("\n", 0, start) else ""
    tail = ELLIPSIS if end < len(text) and not text[end:].isspace() else ""  # text left after
    return "\n".join("> " + line for line in f"{lead}{body}{tail}".split("\n"))


def split_verbatim(
    text: str, start: int, end: int, budget: int, render: Callable[[int, int], str]
) -> list[tuple[int, int]]:
    """Cut text[start:end] into spans whose rendering fits `budget`, at sentence ends if possible.

    Every span is a slice of `text`; the whitespace at a cut is the only thing left out.
    """
    spans: list[tuple[int, int]] = []
    while start < end:
        if len(render(start, end)) <= budget:
            spans.append((start, end))
            break
        cut = _best_cut(text, start, end, budget, render)
        piece_end = len(text[:cut].rstrip()) if text[start:cut].strip() else cut
        spans.append((start, piece_end))
        gap = _SPACE.match(text, cut)
        start = gap.end() if gap else cut
    return spans


def _best_cut(
    text: str, start: int, end: int, budget: int, render: Callable[[int, int], str]
) -> int:
    """The furthest boundary after `start` whose piece fits: sentence end, else space, else char."""
    sentences = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    spaces = [m.start() for m in _SPACE.finditer(text, start, end) if m.start() > start]
    chars = list(range(start + 1, end))
    for candidates in (sentences, spaces, chars):
        cuts = [c for c in candidates if start < c < end]
        best = _last_fitting(cuts, lambda c: len(render(start, c)) <= budget)
        # A sentence cut that leaves most of the budget empty reads worse than a word cut.
        if best is not None and (candidates is chars or len(render(start, best)) > budget // 2):
            return best
    raise ValueError(f"not even one character fits in {budget}")


def _last_fitting(cuts: list[int], fits: Callable[[int], bool]) -> int | None:
    lo, hi, best = 0, len(cuts) - 1, None
    while lo <= hi:  # rendered length grows with the cut, so bisect
        mid = (lo + hi) // 2
        if fits(cuts[mid]):
            best, lo = cuts[mid], mid + 1
        else:
            hi = mid - 1
    return best
