"""Encode the bundled reports' paragraphs once and ship the vectors with the package.

    uv run python scripts/build_vectors.py

Writes retrieval/data/minilm/bundled-vectors.bin (int8, ~70 KB), so a new database is built
from the bundled corpus without running the model (tests/retrieval/test_semantic.py checks that
the shipped vectors equal a fresh encoding). Run it again after changing the bundled texts, the
parser, the model, or what a vector encodes (retrieval/vectors.py embed_text).
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from corpus.files import bundled_reports
from retrieval.embedder import SHIPPED_VECTORS, Embedder
from retrieval.vectors import ReportVectors, embed_text, text_digest


def main() -> None:
    embedder = Embedder()
    paragraphs = [p for report in bundled_reports() for p in report.paragraphs]
    texts = list(dict.fromkeys(embed_text(p) for p in paragraphs))
    vectors = embedder.encode(texts)
    digests = [text_digest(embedder.model_id, t) for t in texts]
    blob = ReportVectors.quantise(embedder.model_id, range(len(texts)), vectors, digests)
    target = resources.files("retrieval") / "data" / "minilm" / SHIPPED_VECTORS
    with resources.as_file(target) as path:
        path.write_bytes(blob.to_bytes())
        print(f"wrote {path}: {len(texts)} paragraphs, {path.stat().st_size:,} bytes")
    assert np.isfinite(vectors).all()


if __name__ == "__main__":
    main()
