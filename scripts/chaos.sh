#!/usr/bin/env bash
# The randomized fault run (ChaosIT) for as long as you like: two to three consumer jars and a
# producer against a broker process and the local ClickHouse, while a seeded schedule cuts and
# holds insert answers, delays inserts past the client's timeout, freezes and kills consumers,
# kills and stops ClickHouse, freezes the broker, adds and removes consumers, and writes months
# of history beside them. At the end: every acknowledged event stored exactly once, every
# partition committed to its end, no consumer exited on its own. mvn verify runs it for 3 minutes.
#
#   scripts/chaos.sh [--minutes N] [--seed S]      (defaults: 30 minutes, a seed from the clock)
#
# Prints the seed first (rerun a failure with the same --seed: the same schedule of faults) and
# the result last; the report is also written to consumer/target/chaos-report.txt, and each
# consumer's log to consumer/target/chaos-logs/seed-S/. Needs what
# mvn verify needs (see docs/develop.md); CLICKSTREAM_IT_DOCKER and the other test variables apply.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=30
seed="$(date +%s)"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) minutes="${2:-}"; shift 2 ;;
        --seed) seed="${2:-}"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "chaos: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "chaos: --minutes must be a positive number, got '$minutes'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "chaos: --seed must be a number, got '$seed'" >&2; exit 2; }

echo "chaos: $minutes minute(s) of faults, seed $seed"
log="$(mktemp "${TMPDIR:-/tmp}/chaos.XXXXXX.log")"
export CLICKSTREAM_IT_DOCKER="${CLICKSTREAM_IT_DOCKER:-never}"
status=0
mvn -B -ntp verify -pl consumer -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=ChaosIT -Dchaos.seconds=$((minutes * 60)) -Dchaos.seed="$seed" > "$log" 2>&1 || status=$?
grep -E '^\[ChaosIT\]' "$log" | grep -E 'seed|healed|faults injected|EXITED' || true
if [[ $status -ne 0 ]]; then
    grep -E 'Tests run:|FAIL|expected' "$log" | tail -5 || true
    echo "chaos: FAILED (seed $seed); full log: $log" >&2
    exit 1
fi
echo "chaos: passed (seed $seed); full log: $log"
