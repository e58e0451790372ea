#!/usr/bin/env bash
# The demo as a user meets it, checked end to end on a machine with Docker:
#   docker compose up (fresh volumes, no .env), then
#   - every service healthy (the consumer's health check is its GET /health),
#   - events stored in ClickHouse,
#   - every panel of the provisioned dashboard run by Grafana itself (POST /api/ds/query with the
#     panel's own query, through the provisioned data source and the pinned plugin): no error,
#     and rows for the panels that must have them,
#   - every provisioned alert rule evaluated by Grafana without error,
#   - the "lake" profile: today's events exported as Parquet to the MinIO bucket by the exporter's
#     image and settings, read back by ClickHouse from the bucket,
# then tears everything down (volumes included). Exit 0 only if every check passed.
#
#   scripts/smoke-compose.sh            (about 3-6 minutes; the first run builds the images)
#   scripts/smoke-compose.sh --interrupted-first-start
#       first starts ClickHouse alone and kills it (SIGKILL) while its init scripts run, as a
#       Ctrl-C, a laptop's sleep or an OOM kill would, then runs the checks above: the next
#       start must heal it.
#   scripts/smoke-compose.sh --cluster
#       docker-compose.cluster.yml instead (3 Kafka brokers, 3 Keepers, 2 ClickHouse replicas, 2
#       consumers, 2 collectors behind HAProxy; no lake): the same checks (Grafana reads through
#       the balancer), and while events flow a replica is restarted and a broker killed (SIGKILL)
#       and started again; once the producer stops and the consumers have caught up, each replica
#       holds every event once (count = distinct event ids, the same on both).
# It prints how long the start took (up to every service healthy): cold the first time on a
# machine, warm (images built and pulled) after.
#
# It runs as its own compose project on other host ports (13000, 18123, 19092, 18088, 19000,
# 19001), so a running demo is left alone (--cluster: the project clickstream-smoke-cluster). Needs docker with the compose plugin, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
interrupted=false
cluster=false
case "${1:-}" in
    "") ;;
    --interrupted-first-start) interrupted=true ;;
    --cluster) cluster=true ;;
    *) echo "usage: scripts/smoke-compose.sh [--interrupted-first-start | --cluster]" >&2; exit 2 ;;
esac

project="clickstream-smoke"
export GRAFANA_PORT="${SMOKE_GRAFANA_PORT:-13000}"
export CLICKHOUSE_HTTP_PORT="${SMOKE_CLICKHOUSE_PORT:-18123}"
export KAFKA_HOST_PORT="${SMOKE_KAFKA_PORT:-19092}"
export COLLECTOR_PUBLISHED_PORT="${SMOKE_COLLECTOR_PORT:-18088}"
export MINIO_PORT="${SMOKE_MINIO_PORT:-19000}"
export MINIO_CONSOLE_PORT="${SMOKE_MINIO_CONSOLE_PORT:-19001}"
compose=(docker compose -p "$project" --env-file /dev/null --profile lake)
healthy=(kafka clickhouse grafana consumer minio)
ch=clickhouse
kafka=kafka
if $cluster; then
    compose=(docker compose -p "$project-cluster" --env-file /dev/null -f docker-compose.cluster.yml)
    healthy=(kafka-1 kafka-2 kafka-3 keeper-1 keeper-2 keeper-3 clickhouse-1 clickhouse-2 grafana consumer-1
             consumer-2 collector-1 collector-2)
    ch=clickhouse-1
    kafka=kafka-1
fi
grafana="http://127.0.0.1:$GRAFANA_PORT"

for tool in docker curl python3; do
    command -v "$tool" > /dev/null || { echo "smoke: $tool is required" >&2; exit 2; }
done

cleanup() {
    status=$?
    if [[ $status -ne 0 ]]; then
        echo "smoke: FAILED; the services' last log lines:" >&2
        "${compose[@]}" ps -a >&2 || true
        "${compose[@]}" logs --tail 40 >&2 || true
    fi
    "${compose[@]}" down -v --remove-orphans > /dev/null 2>&1 || true
    exit $status
}
trap cleanup EXIT

echo "smoke: docker compose up (project $project)"
"${compose[@]}" down -v --remove-orphans > /dev/null 2>&1 || true
if $interrupted; then
    echo "smoke: ClickHouse alone, killed during its first init"
    "${compose[@]}" up -d clickhouse
    deadline=$((SECONDS + 300))
    until "${compose[@]}" logs clickhouse 2>&1 | grep -q "docker-init: first start"; do
        (( SECONDS < deadline )) || { echo "smoke: ClickHouse's init did not start within 300 s" >&2; exit 1; }
        sleep 0.2
    done
    "${compose[@]}" kill -s SIGKILL clickhouse
    if "${compose[@]}" run --rm --no-deps --entrypoint test clickhouse -f /var/lib/clickhouse/clickstream-init.done; then
        echo "smoke: the kill came after the init had completed: nothing was interrupted; run again" >&2
        exit 1
    fi
    echo "smoke: killed mid-init (no completion marker); now the whole stack, which must heal it"
fi
started=$SECONDS
"${compose[@]}" up -d --build

wait_healthy() {  # wait_healthy SERVICE SECONDS
    local deadline=$((SECONDS + $2)) id state
    while true; do
        id="$("${compose[@]}" ps -q "$1")"
        state="$( [[ -n "$id" ]] && docker inspect -f '{{.State.Health.Status}}' "$id" 2> /dev/null || echo starting)"
        [[ "$state" == "healthy" ]] && { echo "smoke: $1 healthy"; return 0; }
        if (( SECONDS > deadline )); then
            echo "smoke: $1 not healthy after $2 s (state: $state)" >&2
            return 1
        fi
        sleep 3
    done
}
for service in "${healthy[@]}"; do
    wait_healthy "$service" 600
done
echo "smoke: started in $((SECONDS - started)) s (docker compose up, builds included, until every service was healthy)"

clickhouse() {  # clickhouse SQL [SERVICE]
    "${compose[@]}" exec -T "${2:-$ch}" bash -c \
        'clickhouse client --password "$(cat /run/clickstream-secrets/clickhouse_admin)" --query "$0"' "$1"
}
deadline=$((SECONDS + 120))
until (( $(clickhouse "SELECT count() FROM clickstream.events") > 0 )); do
    (( SECONDS < deadline )) || { echo "smoke: no event stored within 120 s" >&2; exit 1; }
    sleep 3
done
# One poison record, so the dead-letter panels have a row to show (and the DLQ path runs for real).
"${compose[@]}" exec -T "$kafka" /opt/kafka/bin/kafka-console-producer.sh \
    --bootstrap-server localhost:29092 --topic clickstream.events <<< 'smoke: not an event'
sleep 10  # a few more batches, so the five-minute panels have data
echo "smoke: $(clickhouse "SELECT count() FROM clickstream.events") events stored"
deadline=$((SECONDS + 60))
until (( $(clickhouse "SELECT count() FROM clickstream.dead_letters") > 0 )); do
    (( SECONDS < deadline )) || { echo "smoke: the poison record reached no dead_letters row within 60 s" >&2; exit 1; }
    sleep 3
done

if $cluster; then
    # Faults while events flow: a replica restarted (inserts wait for it: quorum 2), a broker
    # killed and started again (its partitions move to the others).
    echo "smoke: restarting clickhouse-2 while events flow"
    "${compose[@]}" restart clickhouse-2
    wait_healthy clickhouse-2 300
    echo "smoke: killing kafka-2 (SIGKILL) while events flow, then starting it again"
    "${compose[@]}" kill -s SIGKILL kafka-2
    sleep 15
    "${compose[@]}" start kafka-2
    wait_healthy kafka-2 300
    "${compose[@]}" stop producer
    group_lag() {
        "${compose[@]}" exec -T kafka-1 /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server localhost:29092 \
            --describe --group clickstream-clickhouse 2> /dev/null \
            | awk '$2 == "clickstream.events" { if ($6 == "-") missing = 1; else lag += $6 } END { print (missing ? -1 : lag + 0) }'
    }
    deadline=$((SECONDS + 300))
    until [[ "$(group_lag)" == "0" ]]; do
        (( SECONDS < deadline )) || { echo "smoke: the consumers did not catch up within 300 s (lag $(group_lag))" >&2; exit 1; }
        sleep 3
    done
    for replica in clickhouse-1 clickhouse-2; do
        clickhouse "SYSTEM SYNC REPLICA clickstream.events" "$replica"
        read -r rows distinct <<< "$(clickhouse "SELECT count(), uniqExact(event_id) FROM clickstream.events" "$replica")"
        echo "smoke: $replica holds $rows events, $distinct distinct"
        [[ "$rows" == "$distinct" ]] || { echo "smoke: $replica stored events twice" >&2; exit 1; }
        [[ -z "${first_rows:-}" || "$rows" == "$first_rows" ]] \
            || { echo "smoke: the replicas differ ($first_rows and $rows events)" >&2; exit 1; }
        first_rows="$rows"
    done
fi

# The lake (not in the cluster): a one-off export of today with the exporter service's image, settings and secrets,
# then ClickHouse reads the object back from MinIO (the path and credentials the exporter used).
if ! $cluster; then
    today="$(date -u +%F)"
    "${compose[@]}" run --rm --no-deps -T exporter export --from "$today" \
        --output s3://clickstream-lake/clickstream --s3-endpoint http://minio:9000
    minio_password="$("${compose[@]}" exec -T minio cat /run/clickstream-secrets/minio_root)"
    exported="$(clickhouse "SELECT count() FROM s3('http://minio:9000/clickstream-lake/clickstream/events/date=$today/part-0.parquet', 'clickstream', '$minio_password', 'Parquet')")"
    (( exported > 0 )) || { echo "smoke: the exported Parquet of $today holds no rows" >&2; exit 1; }
    echo "smoke: $exported events of $today exported to s3://clickstream-lake as Parquet and read back"
    [[ "$("${compose[@]}" ps --format '{{.State}}' exporter)" == "running" ]] \
        || { echo "smoke: the scheduled exporter is not running" >&2; exit 1; }
fi

admin_password="$("${compose[@]}" exec -T grafana cat /run/clickstream-secrets/grafana_admin)"
GRAFANA="$grafana" GRAFANA_AUTH="admin:$admin_password" python3 - grafana/dashboards/clickstream-live.json grafana/dashboards/clickstream-sources.json \
    grafana/dashboards/clickstream-trends.json <<'PYTHON'
import base64, json, os, sys, time, urllib.request

grafana, auth = os.environ["GRAFANA"], os.environ["GRAFANA_AUTH"]
headers = {"Content-Type": "application/json",
           "Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}

def call(method, path, body=None):
    request = urllib.request.Request(grafana + path, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())

def at_all(sql):
    """The dashboard opens with every variable at All: what the plugin's front end sends then
    ($__conditionalAll(condition, $var) becomes 1=1; /api/ds/query does no such expansion)."""
    macro = "$__conditionalAll("
    while macro in sql:
        start = sql.rindex(macro)
        depth, end = 0, None
        for i in range(start + len(macro) - 1, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0:
                end = i
                break
        sql = sql[:start] + "1=1" + sql[end + 1:]
    return sql

failures = []
panels = [(json.load(open(path)), panel) for path in sys.argv[1:] for panel in json.load(open(path))["panels"]]
for dashboard, panel in panels:
    for target in panel.get("targets", []):
        query = dict(target)
        query["datasource"] = target["datasource"]
        query["rawSql"] = at_all(target["rawSql"])
        try:
            answer = call("POST", "/api/ds/query",
                          {"queries": [query], "from": dashboard["time"]["from"], "to": dashboard["time"]["to"]})
        except Exception as error:  # an HTTP error status: the body says why
            body = getattr(error, "read", lambda: b"")().decode(errors="replace")
            failures.append(f"panel '{panel['title']}': {error} {body[:300]}")
            continue
        result = answer["results"][target["refId"]]
        rows = sum(len(frame.get("data", {}).get("values", [[]])[0] or []) for frame in result.get("frames", []))
        if result.get("error") or result.get("status", 200) != 200:
            failures.append(f"panel '{panel['title']}': {result.get('error')}")
        elif rows == 0:
            failures.append(f"panel '{panel['title']}': no rows")
        else:
            print(f"smoke: panel '{panel['title']}': {rows} row(s)")

for path in sys.argv[1:]:
    for variable in json.load(open(path)).get("templating", {}).get("list", []):
        query = {"refId": "V", "datasource": variable["datasource"], "editorType": "sql", "format": 1,
                 "queryType": "table", "rawSql": variable["query"]}
        try:
            result = call("POST", "/api/ds/query", {"queries": [query], "from": "now-1h", "to": "now"})["results"]["V"]
            rows = sum(len(frame.get("data", {}).get("values", [[]])[0] or []) for frame in result.get("frames", []))
            if result.get("error") or rows == 0:
                failures.append(f"variable '{variable['name']}': {result.get('error') or 'no values'}")
            else:
                print(f"smoke: variable '{variable['name']}': {rows} value(s)")
        except Exception as error:
            failures.append(f"variable '{variable['name']}': {error}")

deadline = time.time() + 150  # rules are evaluated every minute
while True:
    groups = call("GET", "/api/prometheus/grafana/api/v1/rules")["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    pending = [r["name"] for r in rules if not r.get("lastEvaluation") or r["lastEvaluation"].startswith("0001")]
    if rules and not pending:
        break
    if time.time() > deadline:
        failures.append(f"alert rules never evaluated: {pending or 'none provisioned'}")
        break
    time.sleep(5)
for rule in rules:
    if rule.get("health") == "error":
        failures.append(f"alert rule '{rule['name']}': {rule.get('lastError')}")
    else:
        print(f"smoke: alert rule '{rule['name']}': health {rule.get('health')}, state {rule.get('state')}")

if failures:
    print("smoke: " + "\nsmoke: ".join(failures), file=sys.stderr)
    sys.exit(1)
PYTHON
echo "smoke: passed"
