"""A report's paragraph vectors, quantised to int8, as bytes (pure; numpy only).

One blob per report, stored beside its index segment: a magic line, a JSON header (model id,
dimensions, paragraph numbers, and a digest of the text each vector encodes, so vectors of
unchanged paragraphs are reused when a report is replaced) and then, per paragraph, 384 int8
components and one float32 scale. int8 with a per-row scale keeps cosine similarity within
~1e-3 of float32 at a quarter of the size. Change the layout only together with VECTORS_MAGIC.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from corpus.model import Paragraph, Report

VECTORS_MAGIC = b"RBVEC1\n"
_LABEL = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d{1,2})\.\s+")  # "II. ", "B. ", "3. "


@dataclass(frozen=True)
class ReportVectors:
    """Unit vectors of one report's paragraphs, in paragraph order, int8 with per-row scales."""

    model: str
    numbers: tuple[int, ...]
    codes: np.ndarray  # (n, d) int8
    scales: np.ndarray  # (n,) float32
    digests: tuple[str, ...] = ()  # text_digest of what each row encodes

    @classmethod
    def quantise(
        cls,
        model: str,
        numbers: Sequence[int],
        vectors: np.ndarray,
        digests: Sequence[str] = (),
    ) -> ReportVectors:
        if vectors.ndim != 2 or vectors.shape[0] != len(numbers):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(numbers)} paragraphs")
        peak = np.abs(vectors).max(axis=1) if vectors.size else np.zeros(0)
        scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        codes = np.rint(vectors / scales[:, None]).clip(-127, 127).astype(np.int8)
        return cls(model, tuple(int(n) for n in numbers), codes, scales, tuple(digests))

    def dequantise(self) -> np.ndarray:
        return self.codes.astype(np.float32) * self.scales[:, None]

    def to_bytes(self) -> bytes:
        header = json.dumps(
            {
                "model": self.model,
                "dims": int(self.codes.shape[1]),
                "numbers": list(self.numbers),
                "digests": list(self.digests),
            }
        ).encode()
        return b"".join(
            (
                VECTORS_MAGIC,
                len(header).to_bytes(8, "little"),
                header,
                np.ascontiguousarray(self.codes, dtype=np.int8).tobytes(),
                np.ascontiguousarray(self.scales, dtype="<f4").tobytes(),
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> ReportVectors:
        """Read a blob; ValueError when it is not one (another version, or damaged)."""
        if not data.startswith(VECTORS_MAGIC):
            raise ValueError("not a reportbot vector blob of this version")
        at = len(VECTORS_MAGIC)
        size = int.from_bytes(data[at : at + 8], "little")
        header = json.loads(data[at + 8 : at + 8 + size])
        n, dims = len(header["numbers"]), int(header["dims"])
        start = at + 8 + size
        if len(data) != start + n * dims + 4 * n:
            raise ValueError("vector blob has the wrong length")
        codes = np.frombuffer(data, dtype=np.int8, count=n * dims, offset=start).reshape(n, dims)
        scales = np.frombuffer(data, dtype="<f4", count=n, offset=start + n * dims)
        digests = tuple(header.get("digests", ()))
        return cls(str(header["model"]), tuple(header["numbers"]), codes, scales, digests)

    def by_digest(self) -> dict[str, np.ndarray]:
        """Each stored vector under the digest of the text it encodes (for reuse)."""
        vectors = self.dequantise()
        return {d: vectors[i] for i, d in enumerate(self.digests)}


def embed_text(paragraph: Paragraph) -> str:
    """What a paragraph's vector encodes: its innermost heading (without its label), then its
    text. The heading says what a paragraph is about when its own words do not ("Prisons",
    "Financing"): it lifted both development sets (docs/search-quality.md)."""
    if not paragraph.section:
        return paragraph.text
    heading = _LABEL.sub("", paragraph.section[-1], count=1)
    return f"{heading}. {paragraph.text}"


def text_digest(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()[:32]


def report_vectors(
    report: Report,
    encode: Callable[[list[str]], np.ndarray],
    model: str,
    known: Mapping[str, np.ndarray] | None = None,
) -> ReportVectors:
    """Vectors for every paragraph; texts already encoded (by digest) are not encoded again."""
    known = known or {}
    texts = [embed_text(p) for p in report.paragraphs]
    digests = [text_digest(model, t) for t in texts]
    missing = [i for i, d in enumerate(digests) if d not in known]
    fresh = encode([texts[i] for i in missing]) if missing else np.zeros((0, 0), np.float32)
    dims = fresh.shape[1] if missing else next((v.shape[0] for v in known.values()), 384)
    vectors = np.zeros((len(texts), dims), dtype=np.float32)
    for row, i in enumerate(missing):
        vectors[i] = fresh[row]
    for i, d in enumerate(digests):
        if d in known:
            vectors[i] = known[d]
    return ReportVectors.quantise(model, [p.number for p in report.paragraphs], vectors, digests)
