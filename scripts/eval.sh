#!/usr/bin/env sh
# Score retrieval on the development questions with the shared scorer (per-kind table, nDCG@10).
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
if [ -z "${REPORTBOT_DB:-}" ]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    REPORTBOT_DB="$scratch/eval.sqlite3"
fi
export REPORTBOT_DB
# Build the database once, so the first question is not also timed for the ingest.
uv run --locked reportbot ask --json -k 1 "warm up" >/dev/null
exec python3 "$EVAL_DIR/eval_retrieval.py" \
    --cmd "uv run --locked reportbot ask --json -k ${K:-10} {query}" "$@"
