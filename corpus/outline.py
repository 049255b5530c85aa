"""Decide what each unit is (heading, paragraph, footnote, continuation) from the sequence."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.lines import SUPERSCRIPT_DIGITS, is_sentence_end
from corpus.normalize import join_wrapped
from corpus.segment import Segmented, Unit

_HEADING_MAX_CHARS = 250
_MARK_CHARS = "0123456789" + SUPERSCRIPT_DIGITS + " "  # footnote marks end many sentences
_SUBHEADING_MAX_CHARS = 150  # "1. ISIL in Libya": short, and never a full sentence
_FOOTER = 60  # lines after the last paragraph shorter than this may be a web page's footer


@dataclass
class Piece:
    """Text added to a paragraph or heading, in document order (a page break may split one)."""

    target: tuple[str, int]  # ("paragraph", index) or ("heading", index)
    text: str
    line: int
    after_break: bool = False  # a continuation that follows a blank line or a page break


@dataclass
class FootnoteDef:
    number: int
    text: str
    line: int
    after_piece: int  # pieces before this index come before the definition


@dataclass
class ParagraphStart:
    number: int
    line: int
    section: tuple[int, ...]  # indices into Outline.headings, outermost first


@dataclass
class HeadingStart:
    label: str
    level: int
    line: int


@dataclass
class Outline:
    paragraphs: list[ParagraphStart] = field(default_factory=list)
    headings: list[HeadingStart] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    footnotes: list[FootnoteDef] = field(default_factory=list)
    title_block: list[str] = field(default_factory=list)
    ignored_lines: list[int] = field(default_factory=list)  # text outside any paragraph
    superscript: bool = False  # footnotes are marked with superscript digits, not plain ones


@dataclass
class _State:
    last_paragraph: int = 0
    last_roman: int = 0
    next_letter: str = "A"
    next_subheading: int | None = None  # None until a heading opens a section
    next_footnote: int = 1
    stack: list[int] = field(default_factory=list)  # open headings, outermost first
    last: str = ""  # kind of the previous unit: "paragraph", "heading", "footnote" or ""
    target: tuple[str, int] | None = None  # where continuation text goes
    wrapped: bool = False  # the text is hard-wrapped


def build_outline(segmented: Segmented) -> Outline:
    """Walk the units once, deciding each by its shape and the numbering seen so far."""
    superscript = any(u.shape.footnote is not None for u in segmented.units)
    outline, state = Outline(superscript=superscript), _State(wrapped=segmented.wrapped)
    words = segmented.words
    for index, unit in enumerate(segmented.units):
        shape = unit.shape
        if superscript and shape.footnote is not None:
            _add_footnote(outline, state, shape.footnote, unit.body(words), unit.line)
        elif not superscript and _is_plain_footnote(segmented, index, state):
            _add_footnote(outline, state, shape.plain_footnote or 0, unit.body(words), unit.line)
        elif (
            shape.letter is not None
            and shape.letter == state.next_letter
            and _is_heading(unit.body(words))
        ):
            _add_heading(outline, state, f"{shape.letter}.", 2, unit, words)
        elif shape.roman == state.last_roman + 1 and _is_heading(unit.body(words)):
            _add_heading(outline, state, f"{shape.roman_label}.", 1, unit, words)
        elif shape.numbered is not None and _is_subheading(segmented, index, state):
            _add_heading(outline, state, f"{shape.numbered}.", 3, unit, words)
        elif shape.numbered is not None and _starts_paragraph(segmented, outline, unit, state):
            _add_paragraph(outline, state, shape.numbered, unit, words)
        else:
            _add_text(outline, state, unit, unit.text(words), words)
    _drop_trailing_lines(outline)
    return outline


def _drop_trailing_lines(outline: Outline) -> None:
    """Short lines after the last paragraph's final sentence, set off by a break, are a page's
    footer ("Privacy notice", "Back to top"), not a continuation: leave them out."""
    pieces, target = outline.pieces, ("paragraph", len(outline.paragraphs) - 1)
    cut = len(pieces)
    while cut > 1 and pieces[cut - 1].target == target and len(pieces[cut - 1].text) < _FOOTER:
        if pieces[cut - 2].target != target:
            break  # never the paragraph's first piece
        cut -= 1
    for start in range(cut, len(pieces)):  # the footer starts after a break and a full stop
        if pieces[start].after_break and _ends_with_full_stop(pieces[start - 1].text):
            outline.ignored_lines += [piece.line for piece in pieces[start:]]
            del pieces[start:]
            return


def _ends_with_full_stop(text: str) -> bool:
    """A finished sentence: not ";" or ":", which end the items of a lettered list."""
    return text.rstrip(_MARK_CHARS).rstrip("”’\"')]").endswith((".", "!", "?"))


def _is_plain_footnote(segmented: Segmented, index: int, state: _State) -> bool:
    """A plain "12 text" line defines footnote 12 only in sequence, at a page's foot."""
    unit = segmented.units[index]
    return (
        unit.shape.plain_footnote == state.next_footnote
        and state.last_paragraph > 0
        and (unit.after_break or state.last == "footnote")
        and _footnotes_end_page(segmented.units[index:])
    )


def _footnotes_end_page(units: list[Unit]) -> bool:
    """Footnotes sit at the foot of a page: definitions in sequence run up to a page's end."""
    number = units[0].shape.plain_footnote or 0
    for position, unit in enumerate(units):
        if position and unit.shape.plain_footnote == number + 1:
            number += 1
        elif position and unit.after_break:
            return False
        if unit.ends_page:
            return True
    return True


def _is_heading(title: str) -> bool:
    return (
        0 < len(title) <= _HEADING_MAX_CHARS
        and not title[0].islower()
        and not title.rstrip("0123456789").endswith((".", ";", ","))
    )


def _is_subheading(segmented: Segmented, index: int, state: _State) -> bool:
    """A numbered line is a sub-heading when it continues the sub-heading sequence, reads as a
    title rather than a sentence, and is not the paragraph the numbering expects next."""
    unit = segmented.units[index]
    number, title = unit.shape.numbered, unit.body(segmented.words)
    if number != state.next_subheading or len(title) > _SUBHEADING_MAX_CHARS:
        return False
    if title[0].islower() or is_sentence_end(title):
        return False
    return number != state.last_paragraph + 1 or _next_numbered(segmented, index) == number


def _next_numbered(segmented: Segmented, index: int) -> int | None:
    return next(
        (u.shape.numbered for u in segmented.units[index + 1 :] if u.shape.numbered is not None),
        None,
    )


def _starts_paragraph(segmented: Segmented, outline: Outline, unit: Unit, state: _State) -> bool:
    """Accept the expected number. Any other number starts a paragraph only where one could
    start: after a paragraph that ended its last sentence (else a page break cut the paragraph
    and "2016. The Conference …" continues it) and, in hard-wrapped text, at a line's start."""
    if unit.shape.numbered == state.last_paragraph + 1:
        return True
    if state.target is not None and state.target[0] == "paragraph":
        last = outline.pieces[-1].text.rstrip(_MARK_CHARS)
        if not is_sentence_end(last):
            return False
    return not segmented.wrapped or unit.after_break or unit.after_short_line


def _add_footnote(outline: Outline, state: _State, number: int, text: str, line: int) -> None:
    outline.footnotes.append(FootnoteDef(number, text, line, len(outline.pieces)))
    state.next_footnote = number + 1
    state.last = "footnote"


def _add_heading(
    outline: Outline, state: _State, label: str, level: int, unit: Unit, words: frozenset[str]
) -> None:
    index = len(outline.headings)
    outline.headings.append(HeadingStart(label, level, unit.line))
    outline.pieces.append(Piece(("heading", index), unit.body(words), unit.line))
    while state.stack and outline.headings[state.stack[-1]].level >= level:
        state.stack.pop()
    state.stack.append(index)
    if level == 1:
        state.last_roman += 1
        state.next_letter = "A"
    elif level == 2:
        state.next_letter = chr(ord(label[0]) + 1)
    state.next_subheading = int(label[:-1]) + 1 if level == 3 else 1
    state.last, state.target = "heading", ("heading", index)


def _add_paragraph(
    outline: Outline, state: _State, number: int, unit: Unit, words: frozenset[str]
) -> None:
    index = len(outline.paragraphs)
    outline.paragraphs.append(ParagraphStart(number, unit.line, tuple(state.stack)))
    outline.pieces.append(Piece(("paragraph", index), unit.body(words), unit.line))
    state.last_paragraph = number
    state.last, state.target = "paragraph", ("paragraph", index)


def _add_text(
    outline: Outline, state: _State, unit: Unit, text: str, words: frozenset[str]
) -> None:
    """Unlabelled text continues what came before: a wrapped line, or a page's continuation."""
    if state.last == "footnote" and not unit.after_break and state.wrapped:
        footnote = outline.footnotes[-1]
        footnote.text = join_wrapped(footnote.text, text, words)
    elif state.target is not None and state.target[0] == "paragraph":
        # Unwrapped text puts each paragraph on one line: every new line is a break.
        breaks = unit.after_break or not state.wrapped
        outline.pieces.append(Piece(state.target, text, unit.line, breaks))
        state.last = "paragraph"
    elif state.target is not None and not unit.after_break:
        outline.pieces.append(Piece(state.target, text, unit.line))  # a heading wrapped
    elif state.target is None:
        outline.title_block.append(text)
    else:
        outline.ignored_lines.append(unit.line)
