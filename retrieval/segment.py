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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

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


def build_segment(
    report: str, numbers: Sequence[int], docs: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
    """Pack one report's term statistics so the global index can be rebuilt without tokenising."""
    if len(numbers) != len(docs):
        raise ValueError(f"{report}: {len(numbers)} numbers for {len(docs)} docs")
    nums = np.asarray(numbers, dtype="<i8").reshape(-1)
    if np.unique(nums).size != nums.size:
        raise ValueError(f"{report}: paragraph numbers repeat")
    vocab: dict[str, int] = {}
    flat = [vocab.setdefault(tok, len(vocab)) for doc in docs for tok in doc]
    lengths = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=len(docs))
    terms = list(vocab)
    hi, lo = hash_terms(terms)
    order = np.lexsort((lo, hi))  # term ids of the segment: rank in digest order
    rank = np.empty(len(terms), dtype=np.int64)
    rank[order] = np.arange(len(terms))
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    pair, tf = np.unique(rank[np.asarray(flat, dtype=np.int64)] * len(docs) + doc_of,
                         return_counts=True)  # fmt: skip
    post_term, post_doc = np.divmod(pair, max(len(docs), 1))
    words = [terms[i].encode("utf-8", "surrogatepass") for i in order]
    arrays = {
        "numbers": nums.astype("<i4"),
        "doc_len": lengths.astype("<i4"),
        "hash_hi": hi[order].astype("<u8"),
        "hash_lo": lo[order].astype("<u8"),
        "term_ptr": np.searchsorted(post_term, np.arange(len(terms) + 1)).astype("<i8"),
        "post_doc": post_doc.astype("<i4"),
        "post_tf": tf.astype(tf_dtype(int(tf.max(initial=0)))),
        "word_ptr": np.cumsum([0, *map(len, words)], dtype=np.int64).astype("<i8"),
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
    layout, chunks, offset = {}, [], 0
    for name, arr in arrays.items():
        raw = np.ascontiguousarray(arr).tobytes()
        layout[name] = [arr.dtype.str, list(arr.shape), offset, len(raw)]
        pad = -len(raw) % 8
        chunks.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    head = json.dumps({**header, "arrays": layout}).encode()
    head += b" " * (-(len(magic) + 8 + len(head)) % 8)
    return magic + len(head).to_bytes(8, "little") + head + b"".join(chunks)


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
