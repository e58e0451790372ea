#!/bin/bash
# Runs at every start of the ClickHouse container (mounted into /docker-entrypoint-initdb.d;
# docker-entrypoint.sh asks the image to run it every time), against the image's temporary
# server, before the real one listens:
#   - until it has once completed (the marker file in the data volume), everything: the same
#     SQL files the consumer and the tests use, clickhouse/init (schema) then clickhouse/access
#     (users). A first start interrupted anywhere (Ctrl-C, a laptop asleep, an OOM kill) has no
#     marker, so the next start does it all again: every file is idempotent.
#   - after that, clickhouse/access only: the users exist and take the passwords the secrets
#     volume holds now (a password changed in .env reaches ClickHouse at the next start). The
#     schema is brought up to date by the "schema" one-shot at every start (SchemaInstaller, which
#     changes a view's query only when it differs).
# CLICKSTREAM_INIT_SCHEMA=false: the users only, always (a replica whose schema apply-schema applies).
# {{NAME}} placeholders are substituted from the environment (passwords: from the secrets volume,
# see docker-entrypoint.sh). CLICKSTREAM_SQL_DIR and CLICKSTREAM_INIT_MARKER are for tests.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true  # '&' in a password must stay a literal '&'

: "${RAW_RETENTION_DAYS:=30}"
: "${ROLLUP_RETENTION_DAYS:=36500}"
for required in CLICKHOUSE_INGEST_PASSWORD CLICKHOUSE_READER_PASSWORD; do
    value="${!required:-}"
    if [[ -z "$value" ]]; then
        echo "docker-init: $required is not set (docker-entrypoint.sh reads it from the secrets volume)" >&2
        exit 1
    fi
    if [[ "$value" == *"'"* || "$value" == *"\\"* ]]; then
        echo "docker-init: $required must not contain a quote or a backslash" >&2
        exit 1
    fi
done

sql_dir="${CLICKSTREAM_SQL_DIR:-/clickstream}"
marker="${CLICKSTREAM_INIT_MARKER:-/var/lib/clickhouse/clickstream-init.done}"
if [[ "${CLICKSTREAM_INIT_SCHEMA:-true}" == "false" ]]; then
    # A replica of the cluster (docker-compose.cluster.yml): its tables are Replicated*, created by
    # the consumer image's apply-schema --schema-layout replicated from these same files.
    echo "docker-init: the schema is applied by apply-schema (CLICKSTREAM_INIT_SCHEMA=false): the users only"
    files=("$sql_dir"/access/*.sql)
elif [[ -f "$marker" ]]; then
    echo "docker-init: initialized before ($marker): the users and their passwords only"
    files=("$sql_dir"/access/*.sql)
else
    echo "docker-init: first start (or one that did not complete): schema and users"
    files=("$sql_dir"/init/*.sql "$sql_dir"/access/*.sql)
fi
for file in "${files[@]}"; do
    sql="$(cat "$file")"
    for name in RAW_RETENTION_DAYS ROLLUP_RETENTION_DAYS CLICKHOUSE_INGEST_PASSWORD CLICKHOUSE_READER_PASSWORD; do
        sql="${sql//"{{$name}}"/${!name}}"
    done
    if [[ "$sql" == *"{{"* ]]; then
        echo "docker-init: $file has a placeholder without a value" >&2
        exit 1
    fi
    echo "docker-init: applying $file"
    clickhouse client --user "${CLICKHOUSE_USER:-default}" --password "${CLICKHOUSE_PASSWORD:-}" \
        --multiquery <<< "$sql"
done
# Only now: a start interrupted before this line applies everything again next time.
touch "$marker"
echo "docker-init: done"
