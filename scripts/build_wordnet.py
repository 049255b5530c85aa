"""Build the WordNet synonym table, restricted to the bundled corpus's words, as package data.

    apt-get install wordnet-base          # Debian's WordNet 3.0 database (/usr/share/wordnet)
    uv run python scripts/build_wordnet.py [--wordnet DIR]

For each word's two most frequent senses per part of speech (WordNet's sense order), the other
single-word lemmas of the same synset are its synonyms; a synonym is kept only when its search
term occurs in the bundled reports, so a question word expands only into words that can match.
Keys and values are search terms (retrieval/tokenize.py: lowercased, Snowball-stemmed).
Writes retrieval/data/wordnet.json with WordNet's licence notice, which its licence asks for.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from corpus.files import bundled_reports
from retrieval.search import paragraph_terms
from retrieval.tokenize import tokenize

POS = ("noun", "verb", "adj", "adv")
SENSES = 2  # most frequent senses per word and part of speech
NOTICE = (
    "Synonyms from WordNet 3.0, Copyright 2006 by Princeton University. All rights reserved. "
    "THIS SOFTWARE AND DATABASE IS PROVIDED 'AS IS' AND PRINCETON UNIVERSITY MAKES NO "
    "REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. Licence: "
    "https://wordnet.princeton.edu/license-and-commercial-use"
)
TARGET = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "wordnet.json"


def synsets(folder: Path, pos: str) -> dict[str, list[str]]:
    """Synset offset -> its single-word lemmas."""
    out: dict[str, list[str]] = {}
    for line in (folder / f"data.{pos}").read_text("latin-1").splitlines():
        if line.startswith("  "):
            continue  # the licence header
        fields = line.split()
        count = int(fields[3], 16)
        words = [fields[4 + 2 * i] for i in range(count)]
        out[fields[0]] = [w.split("(")[0].lower() for w in words if "_" not in w]
    return out


def frequent_senses(folder: Path, pos: str) -> dict[str, list[str]]:
    """Lemma -> offsets of its SENSES most frequent synsets."""
    out: dict[str, list[str]] = {}
    for line in (folder / f"index.{pos}").read_text("latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        lemma, synset_count, pointer_count = fields[0], int(fields[2]), int(fields[3])
        if "_" in lemma:
            continue
        offsets = fields[6 + pointer_count : 6 + pointer_count + synset_count]
        out[lemma] = offsets[:SENSES]
    return out


def build(folder: Path) -> dict[str, list[str]]:
    vocabulary = {t for r in bundled_reports() for p in r.paragraphs for t in paragraph_terms(p)}
    table: dict[str, set[str]] = defaultdict(set)
    for pos in POS:
        lemmas_of = synsets(folder, pos)
        for lemma, offsets in frequent_senses(folder, pos).items():
            key = tokenize(lemma)
            if len(key) != 1:
                continue  # a stopword or several words
            for offset in offsets:
                for other in lemmas_of.get(offset, ()):
                    term = tokenize(other)
                    if len(term) == 1 and term[0] != key[0] and term[0] in vocabulary:
                        table[key[0]].add(term[0])
    return {k: sorted(v) for k, v in sorted(table.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    args = parser.parse_args()
    table = build(args.wordnet)
    TARGET.write_text(
        json.dumps({"notice": NOTICE, "synonyms": table}, ensure_ascii=False, indent=0) + "\n",
        "utf-8",
    )
    print(f"wrote {TARGET}: {len(table)} words, {sum(map(len, table.values()))} synonyms")


if __name__ == "__main__":
    main()
