#!/bin/sh
# docker compose's one-shot "secrets" service: makes sure every password the stack needs
# exists as a file in the "secrets" volume, mounted read-only at /run/clickstream-secrets by the
# services that need it (the *_FILE convention). A password set in the environment (.env) is
# written as given; otherwise the one generated at the first start is kept; otherwise a new
# random one is generated. Nothing is printed but the file names.
set -eu
umask 022
dir="${SECRETS_DIR:-/run/clickstream-secrets}"  # overridable for tests
mkdir -p "$dir"

random_password() {
    # 24 characters from [A-Za-z0-9]: no quote, backslash or ampersand to escape anywhere.
    tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 24
}

ensure() {  # ensure FILE VALUE_FROM_ENV
    file="$dir/$1"
    value="$2"
    case "$value" in
        *\'* | *\\*)
            echo "secrets: the password for $1 must not contain a quote or a backslash" >&2
            exit 1 ;;
    esac
    if [ -n "$value" ]; then
        printf '%s' "$value" > "$file.tmp" && mv "$file.tmp" "$file"
        echo "secrets: $1 from the environment"
    elif [ ! -s "$file" ]; then
        random_password > "$file.tmp" && mv "$file.tmp" "$file"
        echo "secrets: $1 generated"
    fi
    chmod 0444 "$file"
}

ensure clickhouse_admin "${CLICKHOUSE_ADMIN_PASSWORD:-}"
ensure clickhouse_ingest "${CLICKHOUSE_INGEST_PASSWORD:-}"
ensure clickhouse_reader "${CLICKHOUSE_READER_PASSWORD:-}"
ensure grafana_admin "${GRAFANA_ADMIN_PASSWORD:-}"
ensure minio_root "${MINIO_ROOT_PASSWORD:-}"  # the lake profile's bucket (docker-compose.yml)
