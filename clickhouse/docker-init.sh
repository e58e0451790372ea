#!/bin/bash
# Runs once, at the first start of the ClickHouse container (mounted into
# /docker-entrypoint-initdb.d). Applies the same SQL files the consumer and the tests use:
# clickhouse/init (schema) then clickhouse/access (users), substituting {{NAME}} placeholders
# from the environment (passwords: from the secrets volume, see docker-entrypoint.sh).
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

for file in /clickstream/init/*.sql /clickstream/access/*.sql; do
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
