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
from itertools import chain, count
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from retrieval import tokenize
from retrieval.tokenize import text_units, unit_terms

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


def hash_term(term: str) -> tuple[int, int]:
    """hash_terms for one term, as Python ints: a question's look-ups are one term at a time,
    and the arrays cost more than the digest (0.8 against 3.2 µs a term)."""
    digest = hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big")


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


class _UnitMap(dict[str, int]):
    """Unit of text (tokenize.text_units) -> its slot: slot u's terms are terms[u], and their ids
    in the term table of generation gen[u] are ids[ptr[u]:ptr[u + 1]].

    Indexing text, each unit (a word, mostly) goes straight to its terms' ids: one lookup a
    unit, instead of making its term strings (tokenize) and looking each of them up again. A
    unit not seen yet has its terms worked out once; they and their ids wait in `new_terms`,
    `new_ids` (the unit's end there in `new_ends`) until `_store_new`. When the term table
    starts again the map stays: a unit's ids are looked up again from its terms (hashing, not
    tokenising, anew).
    """

    def __init__(self) -> None:
        super().__init__()
        # an object array, not a list: the garbage collector does not walk through it
        self.terms = np.empty(1024, dtype=object)
        self.new_terms: list[tuple[str, ...]] = []
        self.ptr = np.zeros(1024, dtype=np.int64)
        self.ids = np.zeros(1024, dtype=np.int64)
        self.gen = np.zeros(1024, dtype=np.int64)
        self.term_ids = _TermIds()  # the current term table's, set by lookup
        self.new_ids: list[int] = []
        self.new_ends: list[int] = []

    def __missing__(self, unit: str) -> int:
        terms = unit_terms(unit)
        self.new_terms.append(terms)
        self.new_ids += map(self.term_ids.__getitem__, terms)
        self.new_ends.append(len(self.new_ids))
        self[unit] = slot = len(self)
        return slot

    def lookup(self, table: _TermTable, units: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """The term ids (in `table`) of the units, one unit's after the other, learning new
        units and terms; and how many terms each unit has."""
        self.term_ids = table.ids
        slots = np.fromiter(map(self.__getitem__, units), dtype=np.int64)
        self._store_new(table.generation)
        stale = slots[self.gen[slots] != table.generation]
        if stale.size:  # learned under an earlier term table: their ids again
            self._renew(np.unique(stale), table)
        table.learn_new()
        starts = self.ptr[slots]
        sizes = self.ptr[slots + 1] - starts
        if sizes.min(initial=1) == 1 == sizes.max(initial=1):  # one term a unit: the usual
            return self.ids[starts], sizes
        shift = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        return self.ids[shift + np.arange(shift.size)], sizes

    def _store_new(self, generation: int) -> None:
        """The ids of the units given slots since the last call, into the arrays."""
        if not self.new_ends:
            return
        first, end = len(self) - len(self.new_ends), len(self)  # the new slots
        base = int(self.ptr[first])
        stop = base + len(self.new_ids)
        if end + 1 > len(self.ptr):
            self.ptr, self.gen = _grown(self.ptr, end + 1), _grown(self.gen, end + 1)
            self.terms = _grown(self.terms, end + 1)
        if stop > len(self.ids):
            self.ids = _grown(self.ids, stop)
        self.ids[base:stop] = self.new_ids
        self.ptr[first + 1 : end + 1] = np.asarray(self.new_ends) + base
        self.gen[first:end] = generation
        self.terms[first:end] = np.fromiter(self.new_terms, dtype=object, count=end - first)
        self.new_ids, self.new_ends, self.new_terms = [], [], []

    def _renew(self, slots: np.ndarray, table: _TermTable) -> None:
        """Look up again, in `table`, the ids of the terms of `slots` (distinct)."""
        starts = self.ptr[slots]
        sizes = self.ptr[slots + 1] - starts
        at = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        terms = chain.from_iterable(self.terms[slots])
        self.ids[at + np.arange(at.size)] = table.lookup(terms, at.size, learn=False)
        self.gen[slots] = table.generation


def _grown(old: np.ndarray, size: int, used: int | None = None) -> np.ndarray:
    """`old` in an array of at least `size` (at least twice as long): its first `used` kept."""
    used = len(old) if used is None else used
    grown = np.zeros(max(size, 2 * len(old)), dtype=old.dtype)
    grown[:used] = old[:used]
    return grown


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
        self.generation = next(_GENERATIONS)  # tells the unit map's ids of this table

    def lookup(self, terms: Iterable[str], count: int, *, learn: bool = True) -> np.ndarray:
        """The id of each of `count` terms, as an int64 array; new terms get ids, and unless
        `learn` is False (the caller calls learn_new) their digests and bytes at once."""
        found = np.fromiter(map(self.ids.__getitem__, terms), dtype=np.int64, count=count)
        if learn:
            self.learn_new()
        return found

    def learn_new(self) -> None:
        """Digests and bytes of the terms given ids since the last call."""
        ids = self.ids
        new, ids.new = ids.new, []
        start, stop = len(ids) - len(new), len(ids)
        if stop > len(self.hi):
            for name in ("hi", "lo", "words", "sizes", "seen", "rank"):
                setattr(self, name, _grown(getattr(self, name), stop, start))
        if new:
            words = [t.encode("utf-8", "surrogatepass") for t in new]
            self.hi[start:stop], self.lo[start:stop] = hash_terms(new)
            self.words[start:stop] = words
            self.sizes[start:stop] = np.fromiter(map(len, words), np.int64, count=len(words))


# Terms remembered; past this the table starts again (about 150 bytes a term: ~75 MiB at most).
CACHED_TERMS = 1 << 19
# Units mapped to their terms and ids; past this the unit map starts again. The bound of the
# tokenizer's own unit cache, which indexing no longer fills (the map takes its place): about
# 225 bytes a unit besides its terms' strings (measured at 450,000 units), at most ~230 MiB,
# reached only by indexing about a million paragraphs in one process.
CACHED_UNITS = tokenize.CACHED_UNITS
_GENERATIONS = count(1)
_TABLE = _TermTable()
_UNITS = _UnitMap()
_TABLE_LOCK = threading.Lock()  # ids must not be handed out twice by threads indexing at once


def _table() -> _TermTable:
    """The process's term table (call with _TABLE_LOCK held), started again when full."""
    global _TABLE
    if len(_TABLE.ids) >= CACHED_TERMS:
        _TABLE = _TermTable()
    return _TABLE


def _units() -> _UnitMap:
    """The process's unit map (call with _TABLE_LOCK held), started again when full."""
    global _UNITS
    if len(_UNITS) >= CACHED_UNITS:
        _UNITS = _UnitMap()
    return _UNITS


def build_segment(
    report: str, numbers: Sequence[int], docs: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
    """Pack one report's term statistics so the global index can be rebuilt without tokenising."""
    nums = _numbers(report, numbers, len(docs))
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    with _TABLE_LOCK:
        table = _table()
        flat = table.lookup(chain.from_iterable(docs), int(lengths.sum()))
        return _pack(report, nums, lengths, table, flat, extras)


def build_text_segment(
    report: str, numbers: Sequence[int], texts: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
    """build_segment of each paragraph's terms, those of its `texts` one after the other as
    tokenize gives them; the texts' units are mapped straight to term ids by the term table."""
    nums = _numbers(report, numbers, len(texts))
    per_doc: list[int] = []  # each doc's number of units

    def units_of(doc: Sequence[str]) -> list[str]:  # a doc's units, each list dropped once read
        units = text_units(doc[0]) if len(doc) == 1 else [u for t in doc for u in text_units(t)]
        per_doc.append(len(units))
        return units

    with _TABLE_LOCK:
        table = _table()
        flat, sizes = _units().lookup(table, chain.from_iterable(map(units_of, texts)))
        unit_ends = np.zeros(len(texts) + 1, dtype=np.int64)  # where each doc's units end
        np.cumsum(per_doc, out=unit_ends[1:])
        term_ends = np.zeros(sizes.size + 1, dtype=np.int64)  # where each unit's terms end
        np.cumsum(sizes, out=term_ends[1:])
        return _pack(report, nums, np.diff(term_ends[unit_ends]), table, flat, extras)


def _numbers(report: str, numbers: Sequence[int], docs: int) -> np.ndarray:
    if len(numbers) != docs:
        raise ValueError(f"{report}: {len(numbers)} numbers for {docs} docs")
    nums = np.asarray(numbers, dtype="<i8").reshape(-1)
    if np.unique(nums).size != nums.size:
        raise ValueError(f"{report}: paragraph numbers repeat")
    return nums


def _pack(
    report: str,
    nums: np.ndarray,
    lengths: np.ndarray,
    table: _TermTable,
    flat: np.ndarray,
    extras: bytes,
) -> bytes:
    """The segment of docs with `lengths` terms each, whose term ids (in `table`, whose lock
    the caller holds) are `flat`, one doc's after the other."""
    seen = table.seen[: len(table.ids)]
    seen[flat] = True  # marking beats sorting every token
    ids = np.flatnonzero(seen)  # the report's terms, by id
    seen[ids] = False
    hi, lo = table.hi[ids], table.lo[ids]
    order = np.lexsort((lo, hi))  # term ids of the segment: rank in digest order
    words, sizes = table.words[ids[order]], table.sizes[ids[order]]
    table.rank[ids[order]] = np.arange(len(ids))
    term_of = table.rank[flat]
    n_docs = len(lengths)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    # (term, doc) pairs in order: a stable sort by term keeps each term's docs ascending (a
    # radix sort when the ranks fit 16 bits), then equal neighbours are counted
    by_term = term_of.astype(np.uint16) if len(ids) <= 1 << 16 else term_of
    key = (term_of * n_docs + doc_of)[np.argsort(by_term, kind="stable")]
    starts = np.flatnonzero(np.concatenate((key[:1] == key[:1], key[1:] != key[:-1])))
    pair, tf = key[starts], np.diff(np.append(starts, len(key)))
    post_term, post_doc = np.divmod(pair, max(n_docs, 1))
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
            yield arr.reshape(-1).view(np.uint8).data
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
