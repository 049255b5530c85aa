"""decode_text: the encodings reports arrive in are read exactly; anything else is refused."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corpus.decode import MAX_REPORT_BYTES, decode_text
from corpus.errors import ParseError, UserError

SAMPLE = "1. The Council’s “resolution” 2253 (2015) — café, naïve, €5.\n2. Second.\n"

# Text any of the accepted encodings can carry: cp1252's repertoire, no control characters.
CP1252_TEXT = st.text(
    alphabet=st.characters(
        codec="cp1252", exclude_categories=("Cc", "Cs"), include_characters="\n\t"
    ),
    min_size=1,
).filter(lambda text: text.strip() and text.count("\t") < 8)


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),  # with BOM, native order
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_accepted_encodings_give_the_exact_text(data: bytes) -> None:
    assert decode_text(data) == SAMPLE


def test_newlines_are_normalised() -> None:
    assert decode_text(b"1. a\r\n2. b\r3. c\n") == "1. a\n2. b\n3. c\n"


@settings(max_examples=30, deadline=None)
@given(text=CP1252_TEXT, encoding=st.sampled_from(["utf-8-sig", "utf-16", "cp1252", "utf-8"]))
def test_round_trip(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding == "cp1252" and not text.isascii():
        # cp1252 bytes that also form valid UTF-8 ("Â\xa0") are read as UTF-8, as every
        # sniffing decoder does; real cp1252 prose almost never forms valid UTF-8.
        assume(not _is_utf8(data))
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert decode_text(data) == expected


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"  \n\n \t", "empty"),
        (codecs.BOM_UTF8 + b"\n \n", "no text"),
        (b"1. abc\x00def", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"PK\x03\x04rest", "ZIP"),
        (b"1. caf\xc3 \x81\x8d \x90 text", "neither UTF-8"),  # 0x81 is undefined in cp1252
        (codecs.BOM_UTF8 + b"1. caf\xe9", "not valid UTF-8"),
        (b"1. ok\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10 and more", "binary"),
    ],
)
def test_refusals_say_why(data: bytes, needle: str) -> None:
    with pytest.raises(ParseError, match=needle) as caught:
        decode_text(data, source="upload.txt")
    assert isinstance(caught.value, UserError)
    assert str(caught.value).startswith("upload.txt: ")


def test_oversize_is_refused_before_decoding() -> None:
    data = b"1. x\n" * (MAX_REPORT_BYTES // 5 + 1)
    with pytest.raises(ParseError, match=r"over 10,000,000 bytes"):
        decode_text(data)


def test_just_under_the_limit_is_accepted() -> None:
    data = b"1. x\n" * (MAX_REPORT_BYTES // 5)
    assert len(decode_text(data)) == len(data)
