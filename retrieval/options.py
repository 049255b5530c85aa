"""Which parts of the search are on: every component can be switched off, for evaluation.

The defaults are what the bot runs. `scripts/eval.py` switches each component off in turn and
reports both development sets, so a component stays only while it helps on questions it was not
tuned on. Index-time switches (footnotes, headings) change what a report's segment holds;
the rest change how a question is weighed and ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class SearchOptions:
    """Component switches; all on is the shipped search."""

    # pseudo-relevance feedback (a second BM25 round): off, it lost on unseen questions
    feedback: bool = False
    footnotes: bool = True  # a paragraph is also indexed under the footnotes it cites
    headings: bool = True  # ... and under its innermost heading
    aliases: bool = True  # curated and learned names and acronyms
    register: bool = True  # the everyday-word glossary (retrieval/data/register.toml)
    wordnet: bool = True  # WordNet synonyms restricted to the corpus's words
    semantic: bool = True  # sentence vectors fused with BM25
    vector_feedback: bool = True  # the question's vector moved toward its closest paragraphs
    # the vectors' share of the fused score follows how much of the question BM25's best
    # paragraph holds (0.3 all of it .. 0.8 none); off, a fixed 0.5
    adaptive_fusion: bool = True
    recency: bool = True  # time words ("now", "latest") prefer the newest report
    # a typed word no paragraph holds read as the reports' word one edit away: off, it lost
    # 0.002 on our set (three typo questions, each read right) and moved nothing else;
    # REPORTBOT_SPELLING=on (Library.open(spelling=True)) switches it on for a deployment
    spelling: bool = False

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def toggled(self, name: str) -> SearchOptions:
        """The same options with one component flipped (off if on, on if off)."""
        return replace(self, **{name: not getattr(self, name)})


DEFAULT_OPTIONS = SearchOptions()
