#!/bin/bash
# The ClickHouse container's entrypoint in docker compose: reads the passwords from the secrets
# volume (written by the one-shot "secrets" service, scripts/init-secrets.sh) into the variables
# that the image's own entrypoint (/entrypoint.sh: CLICKHOUSE_PASSWORD for the "default" user) and
# our init script (docker-init.sh: the ingest and reader users) read, then hands over to it.
set -euo pipefail
secrets="${CLICKSTREAM_SECRETS_DIR:-/run/clickstream-secrets}"  # overridable for tests
for name in clickhouse_admin clickhouse_ingest clickhouse_reader; do
    if [[ ! -s "$secrets/$name" ]]; then
        echo "clickhouse: $secrets/$name is missing: the secrets service must run first (docker compose up)" >&2
        exit 1
    fi
done
CLICKHOUSE_PASSWORD="$(cat "$secrets/clickhouse_admin")"
CLICKHOUSE_INGEST_PASSWORD="$(cat "$secrets/clickhouse_ingest")"
CLICKHOUSE_READER_PASSWORD="$(cat "$secrets/clickhouse_reader")"
export CLICKHOUSE_PASSWORD CLICKHOUSE_INGEST_PASSWORD CLICKHOUSE_READER_PASSWORD
# The image runs /docker-entrypoint-initdb.d only while its data directory is new, so a first
# start interrupted during init would never finish it; docker-init.sh decides itself what each
# start needs (everything until it once completed, then the users' passwords).
export CLICKHOUSE_ALWAYS_RUN_INITDB_SCRIPTS=true
exec "${CLICKHOUSE_IMAGE_ENTRYPOINT:-/entrypoint.sh}" "$@"
