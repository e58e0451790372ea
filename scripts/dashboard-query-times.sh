#!/usr/bin/env bash
# Times every dashboard panel and alert query on N synthetic events (default 1,000,000)
# against a local chDB-backed ClickHouse, or against CLICKHOUSE_HTTP_URL if set.
#   scripts/dashboard-query-times.sh [events]            live dashboard and alerts, events over 3 hours
#   scripts/dashboard-query-times.sh [events] trends     trends dashboard, events over 90 days
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1000000}"
mode="${2:-live}"
[[ "$mode" == live || "$mode" == trends ]] || { echo "mode must be live or trends, not '$mode'" >&2; exit 2; }

mvn -B -q -ntp install -DskipTests -pl deployment-tests -am
url="${CLICKHOUSE_HTTP_URL:-}"
if [[ -z "$url" ]]; then
    work="$(mktemp -d)"
    trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
    "$(local/python.sh)" local/chdb_http_server.py --port 0 --port-file "$work/port" --path "$work/data" 2>"$work/server.log" &
    server=$!
    for _ in $(seq 100); do [[ -f "$work/port" ]] && break; sleep 0.2; done
    [[ -f "$work/port" ]] || { cat "$work/server.log"; exit 1; }
    url="http://127.0.0.1:$(cat "$work/port")"
fi
echo "ClickHouse at $url; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
mvn -B -q -ntp -pl deployment-tests exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass=io.clickstream.deployment.DashboardQueryTimes -Dexec.args="$url $events $mode"
