"""The versioned per-report segment: one report's term statistics, packed into bytes.

A segment holds what the global BM25 index needs from one report (paragraph numbers and lengths,
each term's 128-bit BLAKE2b digest and spelling, postings with raw term frequencies) plus an
opaque payload for the search layer, so adding or removing a report rebuilds the index without
tokenising again. Databases store segments as blobs, so the byte layout is a promise to every
existing database: SEGMENT_MAGIC, an 8-byte little-endian header length, a JSON header (padded
with spaces to 8 bytes) naming each array's dtype, shape, offset and size, then the arrays, each
zero-padded to 8 bytes. Change the layout only together with SEGMENT_MAGIC.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

if TYPE_CHECKING:
    from mmap import mmap

SEGMENT_MAGIC = b"RBSEG1\n"


def hash_terms(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the (hi, lo) uint64 halves of each term's 128-bit digest."""
    digests = b"".join(
        hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in terms
    )
    pairs = np.frombuffer(digests, dtype=">u8").reshape(-1, 2).astype(np.uint64)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def tf_dtype(max_tf: int) -> np.dtype:
    """The narrowest unsigned dtype that holds max_tf, so term frequencies stay small on disk."""
    return np.dtype(next(t for t in ("u1", "<u2", "<u4") if max_tf <= np.iinfo(t).max))


class _TermIds(dict[str, int]):
    """Term -> id; a term not seen yet gets the next id and waits in `new` for its digest."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []

    def __missing__(self, term: str) -> int:
        self[term] = found = len(self)
        self.new.append(term)
        return found


class _TermTable:
    """Every term the process has packed, with its digest and UTF-8 bytes, computed once.

    Vocabularies are Zipfian: most of a report's distinct terms were in earlier reports, so
    hashing and encoding each term once per process (not once per report) saves most of it.
    """

    def __init__(self) -> None:
        self.ids = _TermIds()
        self.hi = np.empty(1024, dtype=np.uint64)  # grown by doubling; the first len(ids) used
        self.lo = np.empty(1024, dtype=np.uint64)
        self.words = np.empty(1024, dtype=object)  # UTF-8 bytes of each term
        self.sizes = np.empty(1024, dtype=np.int64)  # their lengths
        # Scratch space for one segment at a time, kept so no segment allocates (and faults
        # in) arrays the size of the whole vocabulary: `seen` is all False between segments.
        self.seen = np.zeros(1024, dtype=bool)
        self.rank = np.zeros(1024, dtype=np.int64)

    def lookup(self, terms: Iterable[str], count: int) -> np.ndarray:
        """The id of each of `count` terms (learning the new ones), as an int64 array."""
        ids = self.ids
        found = np.fromiter(map(ids.__getitem__, terms), dtype=np.int64, count=count)
        new, ids.new = ids.new, []
        start, stop = len(ids) - len(new), len(ids)
        if stop > len(self.hi):
            size = max(stop, 2 * len(self.hi))
            for name in ("hi", "lo", "words", "sizes", "seen", "rank"):
                old = getattr(self, name)
                grown = np.zeros(size, dtype=old.dtype)
                grown[:start] = old[:start]
                setattr(self, name, grown)
        if new:
            words = [t.encode("utf-8", "surrogatepass") for t in new]
            self.hi[start:stop], self.lo[start:stop] = hash_terms(new)
            self.words[start:stop] = words
            self.sizes[start:stop] = np.fromiter(map(len, words), np.int64, count=len(words))
        return found


# Terms remembered; past this the table starts again (about 150 bytes a term: ~75 MiB at most).
CACHED_TERMS = 1 << 19
_TABLE = _TermTable()
_TABLE_LOCK = threading.Lock()  # ids must not be handed out twice by threads indexing at once


def build_segment(
    report: str, numbers: Sequence[int], docs: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
    """Pack one report's term statistics so the global index can be rebuilt without tokenising."""
    global _TABLE
    if len(numbers) != len(docs):
        raise ValueError(f"{report}: {len(numbers)} numbers for {len(docs)} docs")
    nums = np.asarray(numbers, dtype="<i8").reshape(-1)
    if np.unique(nums).size != nums.size:
        raise ValueError(f"{report}: paragraph numbers repeat")
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    with _TABLE_LOCK:
        if len(_TABLE.ids) >= CACHED_TERMS:
            _TABLE = _TermTable()
        table = _TABLE
        flat = table.lookup(chain.from_iterable(docs), int(lengths.sum()))
        seen = table.seen[: len(table.ids)]
        seen[flat] = True  # marking beats sorting every token
        ids = np.flatnonzero(seen)  # the report's terms, by id
        seen[ids] = False
        hi, lo = table.hi[ids], table.lo[ids]
        order = np.lexsort((lo, hi))  # term ids of the segment: rank in digest order
        words, sizes = table.words[ids[order]], table.sizes[ids[order]]
        table.rank[ids[order]] = np.arange(len(ids))
        term_of = table.rank[flat]
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    # (term, doc) pairs in order: a stable sort by term keeps each term's docs ascending (a
    # radix sort when the ranks fit 16 bits), then equal neighbours are counted
    by_term = term_of.astype(np.uint16) if len(ids) <= 1 << 16 else term_of
    key = (term_of * len(docs) + doc_of)[np.argsort(by_term, kind="stable")]
    starts = np.flatnonzero(np.concatenate((key[:1] == key[:1], key[1:] != key[:-1])))
    pair, tf = key[starts], np.diff(np.append(starts, len(key)))
    post_term, post_doc = np.divmod(pair, max(len(docs), 1))
    word_ptr = np.zeros(len(ids) + 1, dtype="<i8")
    np.cumsum(sizes, out=word_ptr[1:])
    arrays = {
        "numbers": nums.astype("<i4"),
        "doc_len": lengths.astype("<i4"),
        "hash_hi": hi[order].astype("<u8"),
        "hash_lo": lo[order].astype("<u8"),
        "term_ptr": np.searchsorted(post_term, np.arange(len(ids) + 1)).astype("<i8"),
        "post_doc": post_doc.astype("<i4"),
        "post_tf": tf.astype(tf_dtype(int(tf.max(initial=0)))),
        "word_ptr": word_ptr,
        "words": np.frombuffer(b"".join(words), dtype=np.uint8),
        "extras": np.frombuffer(extras, dtype=np.uint8),
    }
    return pack_arrays({"report": report}, arrays, SEGMENT_MAGIC)


def read_segment(data: bytes) -> tuple[str, dict[str, np.ndarray]]:
    """The report symbol and the arrays of a segment, as views of `data` (no copies)."""
    header, arrays = unpack_arrays(data, SEGMENT_MAGIC)
    return str(header["report"]), arrays


def read_segment_extras(data: bytes) -> bytes:
    """The opaque payload stored with a segment (the search layer's learned aliases)."""
    return unpack_arrays(data, SEGMENT_MAGIC)[1]["extras"].tobytes()


def read_segment_report(data: bytes) -> str:
    """The report symbol a segment indexes."""
    return str(unpack_arrays(data, SEGMENT_MAGIC)[0]["report"])


def pack_arrays(header: dict[str, object], arrays: Mapping[str, np.ndarray], magic: bytes) -> bytes:
    """Concatenate arrays behind a JSON header naming dtype, shape and offset of each."""
    return b"".join(_packed(header, arrays, magic))


def write_arrays(
    out: BinaryIO, header: dict[str, object], arrays: Mapping[str, np.ndarray], magic: bytes
) -> None:
    """Write pack_arrays(header, arrays, magic) to `out` piece by piece: a whole index (680 MiB
    at 1M paragraphs) is never copied into one bytes object first."""
    for piece in _packed(header, arrays, magic):
        out.write(piece)


def _packed(
    header: dict[str, object], arrays: Mapping[str, np.ndarray], magic: bytes
) -> Iterator[bytes | memoryview]:
    """The pieces of a container in order: magic, header length and header, then each array's
    bytes (views, not copies) and its zero padding to 8 bytes."""
    flat = {name: np.ascontiguousarray(arr) for name, arr in arrays.items()}
    layout, offset = {}, 0
    for name, arr in flat.items():
        layout[name] = [arr.dtype.str, list(arr.shape), offset, arr.nbytes]
        offset += arr.nbytes + -arr.nbytes % 8
    head = json.dumps({**header, "arrays": layout}).encode()
    head += b" " * (-(len(magic) + 8 + len(head)) % 8)
    yield magic + len(head).to_bytes(8, "little") + head
    for arr in flat.values():
        if arr.nbytes:
            yield memoryview(arr.reshape(-1).view(np.uint8))
        if arr.nbytes % 8:
            yield b"\0" * (-arr.nbytes % 8)


def unpack_arrays(
    data: bytes | mmap, magic: bytes
) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    """Views (no copies) of the arrays in a container made by pack_arrays (bytes or an mmap)."""
    if data[: len(magic)] != magic:
        raise ValueError("not an index segment of this version; rebuild it from the paragraphs")
    size = int.from_bytes(data[len(magic) : len(magic) + 8], "little")
    start = len(magic) + 8
    header = json.loads(data[start : start + size])
    base = start + size
    arrays = {
        name: np.frombuffer(data, np.dtype(dt), int(np.prod(shape)), base + off).reshape(shape)
        for name, (dt, shape, off, _n) in header.pop("arrays").items()
    }
    return header, arrays
