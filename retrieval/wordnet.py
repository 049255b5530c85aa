"""WordNet synonyms of a question's words, restricted to the reports' words (shipped data).

retrieval/data/wordnet.json is built by scripts/build_wordnet.py from WordNet 3.0 (Princeton
University; its licence notice travels inside the file): for each word's most frequent senses,
the synonyms whose search terms occur in the bundled reports. No download at run time. A
synonym weighs WORDNET_WEIGHT of a typed word: a looser equivalent than the register glossary's
entries, which people chose for this field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources

WORDNET_WEIGHT = 0.3
MAX_SYNONYMS = 3  # per typed word: more would let a common word drag in loose senses


@cache
def shipped_synonyms() -> Mapping[str, tuple[str, ...]]:
    """Search term -> its synonyms' search terms."""
    data = (resources.files("retrieval") / "data" / "wordnet.json").read_text("utf-8")
    return {k: tuple(v) for k, v in json.loads(data)["synonyms"].items()}
