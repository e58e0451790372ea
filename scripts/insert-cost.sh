#!/usr/bin/env bash
# The insert cost of this checkout's schema against an earlier commit's, like for like: the same
# synthetic rows (with where each came from, as the tracker and the simulator send it) inserted
# into each version's events table with all its materialized views, in the local ClickHouse
# engine (chDB, in process), alternating, median of 5 rounds (local/insert_cost.py).
#   scripts/insert-cost.sh REV [rows]     e.g. scripts/insert-cost.sh 7c585cd 2000000
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { echo "usage: scripts/insert-cost.sh REV [rows]" >&2; exit 2; }
rev="$1"
rows="${2:-2000000}"
git rev-parse --verify --quiet "$rev^{commit}" > /dev/null || { echo "insert-cost: no commit '$rev'" >&2; exit 2; }
before="$(mktemp -d)"
trap 'rm -rf "$before"' EXIT
git archive "$rev" clickhouse | tar -x -C "$before"
echo "before: $(git log -1 --format='%h %s' "$rev" | cut -c1-100)"
echo "after: this checkout ($(git log -1 --format=%h)$(git diff --quiet -- clickhouse || echo ', with changes'))"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
exec "$(local/python.sh)" local/insert_cost.py "$before" . --rows "$rows"
