#!/usr/bin/env sh
# Retrieval quality on both development sets and the held-out fresh and blind sets.
# 1. The component table: every search component switched off (or on) in turn, both sets,
#    in-process (scripts/eval.py).
# 2. The shared scorer on the shipped search, end to end through `reportbot ask --json` for the
#    shared dev set (as the held-out set is run), and on the in-process run of our own set.
# Usage: scripts/eval.sh [extra eval_retrieval.py flags, e.g. --per-question]
# Env: EVAL_DIR (default ../shared/eval, else /work/shared/eval), REPORTBOT_DB (a scratch
# database is built in a temporary directory unless set), K (default 10).
set -eu
cd "$(dirname "$0")/.."
EVAL_DIR=${EVAL_DIR:-}
if [ -z "$EVAL_DIR" ]; then
    for candidate in ../shared/eval /work/shared/eval; do
        if [ -f "$candidate/eval_retrieval.py" ]; then EVAL_DIR=$candidate; break; fi
    done
fi
if [ -z "$EVAL_DIR" ]; then
    echo "eval.sh: set EVAL_DIR to the folder holding eval_retrieval.py" >&2
    exit 2
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ -z "${REPORTBOT_DB:-}" ]; then
    REPORTBOT_DB="$scratch/eval.sqlite3"
fi
export REPORTBOT_DB
echo "== components (nDCG@10 and R@5 with each one switched; '-' off, '+' on)"
uv run --locked python scripts/eval.py --save-runs "$scratch/runs"
echo
echo "== own set (eval/own_questions.json), shared scorer"
python3 "$EVAL_DIR/eval_retrieval.py" --questions eval/own_questions.json --split all \
    --run "$scratch/runs/own.json" "$@" | sed 's/retrieval\[all\]/retrieval[own]/'
echo
echo "== team set (eval/team_questions.json: in a team's own words, tunable), shared scorer"
python3 "$EVAL_DIR/eval_retrieval.py" --questions eval/team_questions.json --split all \
    --run "$scratch/runs/team.json" "$@" | sed 's/retrieval\[all\]/retrieval[team]/'
echo
echo "== fresh set (eval/fresh_questions.json: held out, read only as a total), shared scorer"
# Its totals only: no table by kind and none of the extra flags (such as --per-question).
python3 "$EVAL_DIR/eval_retrieval.py" --questions eval/fresh_questions.json --split all \
    --run "$scratch/runs/fresh.json" | sed -n 's/^retrieval\[all\]/retrieval[fresh]/p'
echo
echo "== blind set (eval/blind_questions.json: held out, in a team's own words), shared scorer"
python3 "$EVAL_DIR/eval_retrieval.py" --questions eval/blind_questions.json --split all \
    --run "$scratch/runs/blind.json" | sed -n 's/^retrieval\[all\]/retrieval[blind]/p'
echo
echo "== shared dev set, shared scorer, through reportbot ask --json"
# Build the database once, so the first question is not also timed for the ingest.
uv run --locked reportbot ask --json -k 1 "warm up" >/dev/null
python3 "$EVAL_DIR/eval_retrieval.py" \
    --cmd "uv run --locked reportbot ask --json -k ${K:-10} {query}" "$@"
