"""A web page in, report text out: what a reader sees, in the one-block-per-line layout.

The stdlib parser builds a small tree; navigation, scripts, styles and forms are dropped; every
block element becomes one line; `<sup>` digits become superscript digits (footnote marks);
list items keep their numbers ("5. …"), except in a footnotes list, where they are written as
footnote definitions ("⁵ …"). No markup survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_DROPPED = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "nav",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
        "canvas",
        "aside",
        "dialog",
    ]
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_CLOSES_P = _BLOCKS - {"body"}
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# Footnote blocks by name: "footnotes", "endnotes", "fn-list", and Word's "ftn1" / "edn1".
_FOOTNOTES = re.compile(r"foot-?notes?|end-?notes?|fn-?list|\b_?(?:ftn|edn)\d+\b", re.IGNORECASE)
_BRACKETED_MARK = re.compile(r"^\[?(\d{1,3})\]?$")  # Word writes marks as "[12]"
_HIDDEN_ROLES = frozenset({"navigation", "banner", "search", "menu", "menubar"})
_PARAGRAPH_MIN_WORDS = 6
_NUMBERED = re.compile(r"^\s*\d{1,4}[.)]\s")
_LEADING_NUMBER = re.compile(r"^\s*\[?(\d{1,3})[\].)]?\s+")
_PAGE_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|h[1-6]|br|li|ol|ul|table|tr|td|section|article"
    r"|main|header|footer|nav)\b",
    re.IGNORECASE,
)
_INLINE_TAG = re.compile(r"</?(?:sup|sub|span|a|b|i|em|strong|u|small|font)\b[^<>]*>", re.I)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    children: list[_Element | str] = field(default_factory=list)


def looks_like_html(text: str) -> bool:
    """Say whether the text is a web page or a fragment of one: it has page or block tags."""
    return _PAGE_TAG.search(text[:4096]) is not None


def strip_inline_markup(text: str) -> str:
    """Text with inline tags in some lines (Markdown converted from Word: "ISIL<sup>4</sup>"):
    read each such line as HTML, keeping the lines as they are, marks as superscript digits."""
    if _INLINE_TAG.search(text) is None:
        return text
    return "\n".join(
        _inline_line(line) if _INLINE_TAG.search(line) else line for line in text.split("\n")
    )


def _inline_line(line: str) -> str:
    builder = _TreeBuilder()
    builder.feed(line)
    builder.close()
    lines: list[str] = []
    current = [""]
    _render(builder.root, lines, current, in_notes=False)
    _flush(lines, current)
    return " ".join(" ".join(lines).split())


def html_report_text(html: str) -> str:
    """The text a reader sees on the page, one block per line, blank lines between blocks."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    lines: list[str] = []
    _render(builder.root, lines, [""], in_notes=False)
    blocks = [" ".join(line.split()) for line in lines]
    return "\n\n".join(block for block in blocks if block) + "\n"


def has_numbered_paragraphs(text: str) -> bool:
    """Say whether some line is a numbered paragraph: a number, then a sentence's worth of
    words (a numbered list of links or symbols on a search page is not)."""
    return any(
        _NUMBERED.match(line) and len(line.split()) > _PARAGRAPH_MIN_WORDS
        for line in text.split("\n")
    )


class _TreeBuilder(HTMLParser):
    """A forgiving tree: an end tag closes up to its open element; a block closes an open <p>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P and any(e.tag == "p" for e in self._stack):
            self._close("p")
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(element)
        if tag not in _VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Element(tag, {name: v or "" for name, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)

    def _close(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return


def _is_hidden(element: _Element) -> bool:
    attrs = element.attrs
    return (
        element.tag in _DROPPED
        or (element.tag == "footer" and not _is_footnotes(element))  # the site's, not the report's
        or attrs.get("role", "") in _HIDDEN_ROLES
        or attrs.get("aria-hidden") == "true"
        or "hidden" in attrs
        or re.search(r"display\s*:\s*none", attrs.get("style", "")) is not None
    )


def _is_footnotes(element: _Element) -> bool:
    names = " ".join(element.attrs.get(key, "") for key in ("class", "id", "role"))
    return _FOOTNOTES.search(names) is not None


def _render(element: _Element, lines: list[str], current: list[str], *, in_notes: bool) -> None:
    """Append the element's text: inline text to the current line, a block on lines of its own."""
    in_notes = in_notes or _is_footnotes(element)
    number = _list_start(element)
    for child in element.children:
        if isinstance(child, str):
            current[0] += child
            continue
        if _is_hidden(child) or (in_notes and child.tag in _HEADINGS):
            continue  # a "Notes" heading over the footnotes is not report text
        if child.tag == "br":
            _flush(lines, current)
        elif child.tag == "sup":
            current[0] += _sup_text(child)
        elif child.tag in _BLOCKS:
            _flush(lines, current)
            if child.tag == "li" and number is not None:
                current[0] = _list_label(number, in_notes or _is_footnotes(child))
                number += 1
            _render(child, lines, current, in_notes=in_notes)
            _flush(lines, current, footnote=in_notes)
        else:
            _render(child, lines, current, in_notes=in_notes)


def _list_start(element: _Element) -> int | None:
    """The number of an ordered list's first item (its `start`), None for other elements."""
    if element.tag != "ol":
        return None
    try:
        return int(element.attrs.get("start", "1"))
    except ValueError:
        return 1


def _list_label(number: int, is_footnote: bool) -> str:
    return f"{str(number).translate(_SUPERSCRIPT)} " if is_footnote else f"{number}. "


def _sup_text(element: _Element) -> str:
    text = "".join(_plain_text(element))
    match = _BRACKETED_MARK.match(text.strip())
    return match.group(1).translate(_SUPERSCRIPT) if match else text


def _plain_text(element: _Element) -> list[str]:
    out: list[str] = []
    for child in element.children:
        if isinstance(child, str):
            out.append(child)
        elif not _is_hidden(child):
            out.extend(_plain_text(child))
    return out


def _flush(lines: list[str], current: list[str], *, footnote: bool = False) -> None:
    """End the current line; in a footnotes block, its leading number becomes a definition."""
    text = current[0]
    current[0] = ""
    if not text.strip():
        return
    if footnote and (match := _LEADING_NUMBER.match(text)):
        text = f"{match.group(1).translate(_SUPERSCRIPT)} {text[match.end() :]}"
    lines.append(text)
