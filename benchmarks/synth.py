"""Deterministic synthetic corpora and queries for the index benchmark.

Paragraphs are built from the bundled reports' sentences (fixed seed). Vocabulary grows by
Heaps' law: after T tokens the corpus holds about HEAPS_K * T**HEAPS_BETA synthetic word forms.
Each chunk of paragraphs mutates MUTATE_RATE of its tokens; exactly V(T1) - V(T0) of those
positions get brand-new forms, the rest reuse earlier forms, older ones more often
(index = V0 * u**3, so frequencies fall off like a power law, as in real vocabularies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 20180131
HEAPS_K = 40.0
HEAPS_BETA = 0.55
MUTATE_RATE = 0.08
PARAGRAPHS_PER_REPORT = 500
CHUNK_PARAGRAPHS = 10_000
_SYLLABLES = ["ka", "ri", "to", "ne", "mu", "sa", "lo", "vi", "de", "ju", "po", "xe"]


def load_tokenizer() -> tuple[str, Callable[[str], list[str]]]:
    """The project's tokenizer when it exists, else lowercase + whitespace split."""
    try:
        from retrieval.tokenize import tokenize

        return "retrieval.tokenize.tokenize", tokenize
    except ImportError:
        return "str.lower().split()", lambda text: text.lower().split()


def corpus_sentences(tokenize: Callable[[str], list[str]]) -> list[list[str]]:
    """Tokenised sentences of the bundled reports' paragraph-like lines."""
    sentences = []
    for path in sorted((ROOT / "corpus" / "data").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) < 6:
                continue
            for sentence in re.split(r"(?<=[.;:])\s+", line):
                tokens = tokenize(sentence)
                if len(tokens) >= 3:
                    sentences.append(tokens)
    return sentences


def _form(i: int, vocab: list[str]) -> str:
    """A new word form: a corpus word with syllables spelling i (composition, not noise)."""
    stem = vocab[(i * 2654435761) % len(vocab)]
    tail = []
    i += 1
    while i:
        i, r = divmod(i, len(_SYLLABLES))
        tail.append(_SYLLABLES[r])
    return stem + "".join(tail)


def heaps_vocabulary(tokens: float) -> int:
    return int(HEAPS_K * tokens**HEAPS_BETA)


def generate(n: int, tokenize: Callable[[str], list[str]]) -> Iterator[tuple[str, int, list[str]]]:
    """(report, number, tokens) for n paragraphs; any n is a prefix of a larger n."""
    rng = np.random.default_rng(SEED)
    sentences = corpus_sentences(tokenize)
    vocab = sorted({t for s in sentences for t in s})
    word_id = {w: i for i, w in enumerate(vocab)}
    sent_tokens = np.array([word_id[t] for s in sentences for t in s], dtype=np.int64)
    sent_len = np.array([len(s) for s in sentences], dtype=np.int64)
    sent_start = np.cumsum(sent_len) - sent_len
    names: list[str] = list(vocab)
    seen_tokens, forms = 0, 0
    for chunk_start in range(0, n, CHUNK_PARAGRAPHS):
        m = min(CHUNK_PARAGRAPHS, n - chunk_start)
        per_para = rng.integers(2, 8, size=m)
        picks = rng.integers(0, len(sentences), size=int(per_para.sum()))
        lengths = sent_len[picks]
        total = int(lengths.sum())
        idx = np.repeat(sent_start[picks] - np.cumsum(lengths) + lengths, lengths) + np.arange(
            total
        )
        ids = sent_tokens[idx]
        mutate = np.flatnonzero(rng.random(total) < MUTATE_RATE)
        new_forms = max(0, heaps_vocabulary(seen_tokens + total) - forms)
        new_at = rng.choice(mutate, size=min(new_forms, mutate.size), replace=False)
        reuse = np.setdiff1d(mutate, new_at)
        ids[np.sort(new_at)] = len(vocab) + forms + np.arange(new_at.size)
        if forms:
            ids[reuse] = len(vocab) + (forms * rng.random(reuse.size) ** 3).astype(np.int64)
        names.extend(_form(i, vocab) for i in range(forms, forms + new_at.size))
        forms += new_at.size
        seen_tokens += total
        table = np.array(names, dtype=object)
        para_len = np.add.reduceat(lengths, np.cumsum(per_para) - per_para)
        words = table[ids].tolist()
        pos = 0
        for j, length in enumerate(para_len.tolist()):
            p = chunk_start + j
            yield (
                f"S/SYN/{p // PARAGRAPHS_PER_REPORT}",
                p % PARAGRAPHS_PER_REPORT + 1,
                words[pos : pos + length],
            )
            pos += length


def write_corpus(path: Path, n: int, tokenize: Callable[[str], list[str]]) -> None:
    """One paragraph per line: report TAB number TAB space-joined tokens."""
    with path.open("w", encoding="utf-8") as out:
        for report, number, tokens in generate(n, tokenize):
            out.write(f"{report}\t{number}\t{' '.join(tokens)}\n")


def read_corpus(path: Path, n: int) -> Iterator[tuple[str, int, list[str]]]:
    with path.open(encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i >= n:
                return
            report, number, text = line.rstrip("\n").split("\t")
            yield report, int(number), text.split(" ") if text else []


def read_reports(path: Path, n: int) -> Iterator[tuple[str, list[int], list[list[str]]]]:
    """Paragraphs grouped by report, in file order."""
    current, numbers, docs = None, [], []
    for report, number, tokens in read_corpus(path, n):
        if report != current and current is not None:
            yield current, numbers, docs
            numbers, docs = [], []
        current = report
        numbers.append(number)
        docs.append(tokens)
    if current is not None:
        yield current, numbers, docs


_QUESTION_FRAMES = [
    "what does the report say about {a} and {b}",
    "how many {a} {b} were reported",
    "is there evidence of {a} in {b}",
    "who is responsible for {a}",
    "{a} {b} {c}",
    "why did {a} increase after {b}",
]


def make_queries(count: int, tokenize: Callable[[str], list[str]]) -> list[list[str]]:
    """Half corpus phrases (2-6 tokens), half question-like strings with content words."""
    rng = np.random.default_rng(SEED + 1)
    sentences = corpus_sentences(tokenize)
    content = sorted({t for s in sentences for t in s if len(t) > 4})
    dev = ROOT.parent / "shared" / "eval" / "dev_questions.json"
    queries = []
    if dev.exists():
        queries += [tokenize(q["question"]) for q in json.loads(dev.read_text())]
    while len(queries) < count:
        if len(queries) % 2:
            s = sentences[int(rng.integers(len(sentences)))]
            width = int(rng.integers(2, 7))
            at = int(rng.integers(0, max(1, len(s) - width)))
            queries.append(s[at : at + width])
        else:
            frame = _QUESTION_FRAMES[int(rng.integers(len(_QUESTION_FRAMES)))]
            a, b, c = (content[int(i)] for i in rng.integers(0, len(content), size=3))
            queries.append(tokenize(frame.format(a=a, b=b, c=c)))
    return [q for q in queries if q][:count]
