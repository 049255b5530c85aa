"""Glyphs in, printed lines out: a line's text, extent, size and style, with raised small digits
written as superscript digits (the footnote marks a plain text export would lose)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.pdf_glyphs import Glyph

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_MARK_SIZE = 0.85  # a mark is set at ~58-70 % of the text's size; text never below 85 %
_MARK_RISE = 0.12  # ... and raised by ~1/3 of the size; a subscript or baseline jitter is not
_NEW_LINE_DROP = 0.6  # a baseline this far (in sizes) from the line's is another line
_SPACE_GAP = 0.2  # a gap this wide (in sizes) between glyphs is a space the PDF did not write
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " "})
# How PDFium and some writers report a hyphen set at a line's end; elsewhere they are dropped.
_SOFT_HYPHENS = "\x02\u00ad\ufffe"
_DROPPED = dict.fromkeys(map(ord, _SOFT_HYPHENS))


@dataclass(frozen=True)
class Line:
    """One printed line; `y` is its baseline, `size` the size most of its glyphs have."""

    text: str
    x0: float
    x1: float
    y: float
    size: float
    bold: bool


def group_lines(glyphs: Sequence[Glyph]) -> list[Line]:
    """Group glyphs in reading order into lines, top of the page first."""
    runs: list[list[Glyph]] = []
    base, size = 0.0, 0.0
    for glyph in glyphs:
        if glyph.generated:
            if runs and glyph.char == " ":
                runs[-1].append(glyph)
            continue
        current = runs[-1] if runs else None
        previous = next((g for g in reversed(current or []) if not g.generated), None)
        if (
            current is None
            or previous is None
            or glyph.x < previous.right - 0.5 * max(size, glyph.size)
            or abs(glyph.y - base) > _NEW_LINE_DROP * max(size, glyph.size)
        ):
            runs.append([glyph])
            base, size = glyph.y, glyph.size
            continue
        current.append(glyph)
        if glyph.size > size:
            base, size = glyph.y, glyph.size
    lines = [line for run in runs if (line := _line(run)) is not None]
    return sorted(lines, key=lambda line: (-round(line.y, 1), line.x0))


def _line(run: list[Glyph]) -> Line | None:
    printed = [g for g in run if not g.generated and g.char.strip()]
    if not printed:
        return None
    size = statistics.median_high(g.size for g in printed)
    base = statistics.median_high(g.y for g in printed if g.size >= _MARK_SIZE * size)
    text = _text(run, size, base)
    if not text:
        return None
    bold = sum(g.bold for g in printed) * 2 > len(printed)
    return Line(text, printed[0].x, max(g.right for g in printed), base, size, bold)


def _text(run: Iterable[Glyph], size: float, base: float) -> str:
    parts: list[str] = []
    right: float | None = None
    inferred = False  # the last part is a space PDFium or the gap rule inferred
    for glyph in run:
        char = glyph.char
        if glyph.generated or not char.strip():
            parts.append(" ")
            right, inferred = None, glyph.generated
            continue
        if right is not None and glyph.x - right > _SPACE_GAP * size:
            parts.append(" ")
            inferred = True
        glued = char in _SOFT_HYPHENS or char == "-"  # a hyphen, even justified apart
        if _is_mark(glyph, size, base):
            char = char.translate(_SUPERSCRIPT)
            glued = True  # a mark is glued to what it marks; the gap is the raised setting
        if glued and inferred and parts and parts[-1] == " ":
            parts.pop()
        inferred = False
        parts.append(char.translate(_LIGATURES))
        right = glyph.right
    text = " ".join("".join(parts).split())
    if text and text[-1] in _SOFT_HYPHENS:
        text = text[:-1] + "-"
    return text.translate(_DROPPED)


def _is_mark(glyph: Glyph, size: float, base: float) -> bool:
    return (
        glyph.char.isdigit()
        and glyph.size < _MARK_SIZE * size
        and glyph.y - base > _MARK_RISE * size
    )
