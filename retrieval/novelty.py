"""What is new in a report: its paragraphs with no close counterpart in the report before it.

The measure uses the BM25 scores the index already gives. Each paragraph's own distinct terms
are the query; its "self score" is what it scores against itself, and its counterpart is the
best-scoring paragraph of the previous report. The ratio counterpart / self is 1.0 for a
paragraph repeated word for word and falls as the wording parts ways; words every paragraph
shares ("ISIL", "Member States") keep unrelated paragraphs near 0.1. Below NEW_BELOW (0.2) a
paragraph is new. Measured on the bundled S/2018/80 against S/2016/501: para. 3 (how the report
was prepared, restated) 0.47; para. 10 (returning fighters, S/2016/501 para. 22) 0.20; para. 34
(the loss of Marawi City, not in the earlier report) 0.10. A paragraph kept with a few words
edited stays above 0.6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from corpus.model import Paragraph
from retrieval.search import paragraph_terms
from retrieval.tiered import SearchIndex

NEW_BELOW = 0.2
# The BM25 parameters NEW_BELOW was measured with (BM25Okapi's defaults), fixed here so that
# tuning the search's own k1 and b (retrieval/index.py) does not move what counts as new.
NOVELTY_K1 = 1.5
NOVELTY_B = 0.75


@dataclass(frozen=True)
class Novelty:
    """A paragraph, how close its best counterpart in the previous report comes, and which."""

    paragraph: Paragraph
    similarity: float  # counterpart score / self score, 0..1 (rarely a little above 1)
    counterpart: tuple[str, int] | None

    @property
    def is_new(self) -> bool:
        return self.similarity < NEW_BELOW


def score_novelty(
    index: SearchIndex, paragraphs: Sequence[Paragraph], previous: str | None
) -> list[Novelty]:
    """Each paragraph's closeness to the previous report (every one new if there is none)."""
    if previous is not None and previous not in index.reports:
        previous = None
    return [_novelty(index, paragraph, previous) for paragraph in paragraphs]


def _novelty(index: SearchIndex, paragraph: Paragraph, previous: str | None) -> Novelty:
    doc = index.doc_index(paragraph.report, paragraph.number)
    terms = list(dict.fromkeys(paragraph_terms(paragraph)))
    if previous is None or doc is None or not terms:
        return Novelty(paragraph, 0.0, None)
    own = index.report_scores(terms, paragraph.report, k1=NOVELTY_K1, b=NOVELTY_B)
    mine = float(own[doc - index.report_slice(paragraph.report).start])
    theirs = index.report_scores(terms, previous, k1=NOVELTY_K1, b=NOVELTY_B)
    if mine <= 0 or not theirs.size or theirs.max() <= 0:
        return Novelty(paragraph, 0.0, None)
    best = int(np.argmax(theirs))  # the first best: ties go to the earlier paragraph
    counterpart = index.keys[index.report_slice(previous).start + best]
    return Novelty(paragraph, round(float(theirs[best]) / mine, 4), counterpart)
