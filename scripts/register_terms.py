"""List the reports' most informative content terms: the worklist for retrieval/data/register.toml.

The register glossary maps everyday words onto the words the reports use. Its entries are chosen
from the reports' side, so that every topic the reports cover gets one, whatever the question: this
script ranks the stemmed terms of the bundled corpus by df x idf (a term that many, but not most,
paragraphs use: the topics, not the boilerplate), drops what a glossary cannot help with, and
prints each term with the surface words it comes from. A person then annotates the list with the
plain-English words people use for each term.

Dropped: stopwords and numbers (the tokenizer already drops or keeps them), document symbols,
proper names (capitalised in most of their occurrences: names belong to aliases.toml), and -ly
adverbs. With no part-of-speech tagger in the project, that is the noun/verb filter.

Usage: uv run python scripts/register_terms.py [--min-df 3] [--top N] [--check register.toml]
With --check, also lists the top terms that no glossary entry names (the annotation's gaps).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

from corpus.files import bundled_reports
from corpus.model import Report
from retrieval.tokenize import tokenize, tokenize_spans

_ADVERB = re.compile(r"ly$")


def _starts_sentence(text: str, start: int) -> bool:
    return start == 0 or text[:start].rstrip()[-1:] in {".", ":", ";", "(", "\u201c", '"'}


def _surfaces(
    reports: list[Report],
) -> tuple[Counter[str], dict[str, Counter[str]], Counter[str], int]:
    """Doc frequency per term, its surface words, and how often it is written capitalised."""
    df: Counter[str] = Counter()
    words: dict[str, Counter[str]] = defaultdict(Counter)
    capital: Counter[str] = Counter()
    docs = 0
    for report in reports:
        for paragraph in report.paragraphs:
            docs += 1
            text = paragraph.text
            seen: set[str] = set()
            for term in tokenize_spans(text):
                if term.term.isdigit() or "/" in term.term or "(" in term.term:
                    continue
                raw = text[term.start : term.end]
                seen.add(term.term)
                words[term.term][raw.casefold()] += 1
                if raw[:1].isupper() and not _starts_sentence(text, term.start):
                    capital[term.term] += 1
            df.update(seen)
    return df, words, capital, docs


def rank_terms(min_df: int, top: int | None) -> list[tuple[str, int, float, list[str]]]:
    """Content terms in `min_df`+ paragraphs by df x idf (best `top`), with df and surface words."""
    df, words, capital, docs = _surfaces(bundled_reports())
    rows = []
    for term, d in df.items():
        total = sum(words[term].values())
        if d < min_df or capital[term] > total / 2 or len(term) < 3:
            continue  # a name, or a fragment
        if all(_ADVERB.search(w) for w in words[term]):
            continue
        rows.append((term, d, d * math.log(docs / d), [w for w, _ in words[term].most_common(4)]))
    rows.sort(key=lambda r: (-r[2], r[0]))
    return rows[:top] if top else rows


def _named_terms(path: Path) -> set[str]:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["term"]
    return {t for e in entries for phrase in e["report"] for t in tokenize(phrase)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-df", type=int, default=3, help="paragraphs a term must be in")
    parser.add_argument("--top", type=int, default=None, help="list only the best N terms")
    parser.add_argument("--check", type=Path, help="a register.toml to compare against")
    args = parser.parse_args(argv)
    rows = rank_terms(args.min_df, args.top)
    named = _named_terms(args.check) if args.check else set()
    for i, (term, d, score, surface) in enumerate(rows, 1):
        mark = "" if not args.check else ("  " if term in named else "- ")
        print(f"{mark}{i:4d} {term:18s} df={d:3d} dfidf={score:6.1f}  {', '.join(surface)}")
    if args.check:
        missing = sum(1 for term, *_ in rows if term not in named)
        print(f"{missing} of {len(rows)} terms are named by no entry ('- ')", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
