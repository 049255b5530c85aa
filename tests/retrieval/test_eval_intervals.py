"""The evaluation's bootstrap intervals: what they promise about a set's mean."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("eval_script", ROOT / "scripts" / "eval.py")
assert _spec is not None
assert _spec.loader is not None
eval_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_script)

scores = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=120)


@settings(max_examples=40, deadline=None)
@given(scores)
def test_the_interval_holds_the_mean_within_the_scores(values: list[float]) -> None:
    lo, hi = eval_script.bootstrap_interval(values, resamples=500)
    mean = sum(values) / len(values)
    assert min(values) - 1e-12 <= lo <= mean + 1e-12
    assert mean - 1e-12 <= hi <= max(values) + 1e-12


def test_identical_scores_have_no_spread_and_reruns_agree() -> None:
    assert eval_script.bootstrap_interval([0.5] * 30) == (0.5, 0.5)
    varied = [i / 100 for i in range(100)]
    assert eval_script.bootstrap_interval(varied) == eval_script.bootstrap_interval(varied)


def test_more_questions_narrow_the_interval() -> None:
    few = [0.0, 1.0] * 10
    many = [0.0, 1.0] * 200
    lo_few, hi_few = eval_script.bootstrap_interval(few)
    lo_many, hi_many = eval_script.bootstrap_interval(many)
    assert hi_many - lo_many < (hi_few - lo_few) / 2
