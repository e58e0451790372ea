#!/usr/bin/env bash
# Runs the whole suite (mvn verify) N times on a fresh clone of the current commit, with two busy
# loops competing for the cores the whole time: a suite that passes here does not depend on how
# fast or idle the machine is. Prints pass/fail and wall time per run; exits 1 if any run failed.
#
#   scripts/verify-under-load.sh [N]        (default 3)
#
# Environment: BUSY_LOOPS (2), KEEP_CLONE=1 to keep the clone and its logs. Uncommitted changes
# are not tested: commit first. Any environment the tests read (CLICKSTREAM_IT_DOCKER, ...) is
# passed through.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-3}"
if [[ "$runs" == "-h" || "$runs" == "--help" ]]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "verify-under-load: N must be a positive number, got '$runs'" >&2; exit 2; }
loops="${BUSY_LOOPS:-2}"
[[ "$loops" =~ ^[0-9]+$ ]] || { echo "verify-under-load: BUSY_LOOPS must be a number, got '$loops'" >&2; exit 2; }

commit="$(git rev-parse HEAD)"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
    echo "verify-under-load: note: uncommitted changes are not part of the run (testing $commit)" >&2
fi
clone="$(mktemp -d "${TMPDIR:-/tmp}/verify-under-load.XXXXXX")"
busy=()
cleanup() {
    for pid in "${busy[@]}"; do kill "$pid" 2> /dev/null || true; done
    if [[ "${KEEP_CLONE:-0}" == 1 ]]; then
        echo "verify-under-load: clone and logs kept in $clone"
    else
        rm -rf "$clone"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git clone --quiet --no-local . "$clone/repo"
git -C "$clone/repo" checkout --quiet "$commit"
# What .ci/run puts in the work tree for the tests (the other installs are the machine's).
(cd "$clone/repo" && scripts/fetch-geoip.sh > /dev/null)

for (( i = 0; i < loops; i++ )); do
    ( while :; do :; done ) &
    busy+=($!)
done
echo "verify-under-load: commit ${commit:0:12}, $runs run(s) of mvn verify beside $loops busy loop(s) on $(nproc) core(s)"

failed=0
for (( run = 1; run <= runs; run++ )); do
    log="$clone/run-$run.log"
    started=$SECONDS
    if (cd "$clone/repo" && mvn -B -ntp verify) > "$log" 2>&1; then
        result=PASS
    else
        result=FAIL
        failed=$(( failed + 1 ))
    fi
    took=$(( SECONDS - started ))
    printf 'run %d/%d: %s in %dm%02ds\n' "$run" "$runs" "$result" $(( took / 60 )) $(( took % 60 ))
    if [[ "$result" == FAIL ]]; then
        grep -E '^\[ERROR\] (Tests run:|  |Failures:|Errors:)|FAILURE|<<< (FAIL|ERR)' "$log" | head -20 || true
        cp "$log" "${TMPDIR:-/tmp}/verify-under-load-run-$run.log"
        echo "  full log: ${TMPDIR:-/tmp}/verify-under-load-run-$run.log"
    fi
done
echo "verify-under-load: $(( runs - failed )) of $runs green"
[[ "$failed" -eq 0 ]]
