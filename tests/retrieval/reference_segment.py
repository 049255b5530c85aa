"""The segment packer as it was before the process-wide term table: the reference to equal.

A frozen copy of retrieval/segment.build_segment at commit 74c1a09 (2026-11-30), which hashed
and encoded every distinct term of every report. tests/retrieval/test_segment_reference.py
holds the fast packer to it byte for byte. If the format changes on purpose (with
SEGMENT_MAGIC), change it here the same way. `pack_arrays` is the container writer as it was
at commit 7231882, before it could stream to a file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

import numpy as np

from retrieval.segment import SEGMENT_MAGIC, tf_dtype


def hash_terms(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    digests = b"".join(
        hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in terms
    )
    pairs = np.frombuffer(digests, dtype=">u8").reshape(-1, 2).astype(np.uint64)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def build_segment(
    report: str, numbers: Sequence[int], docs: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
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
    order = np.lexsort((lo, hi))
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


def pack_arrays(header: dict[str, object], arrays: Mapping[str, np.ndarray], magic: bytes) -> bytes:
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
