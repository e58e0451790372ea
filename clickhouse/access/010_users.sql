-- Least-privilege users, applied by an administrator (docker compose runs this file through
-- clickhouse/docker-init.sh with the passwords from .env). Not applied by the consumer.
--
-- clickstream_ingest: what the consumer needs and nothing more: INSERT into events, SELECT on
-- events to find offsets already stored after a crash, INSERT into dead_letters, and the column
-- list of system.columns to check the tables' schema at start (explicit, for servers where
-- reading system tables requires a grant), the engine of events in system.tables (a Replicated
-- one changes how it looks records up), and SYSTEM SYNC REPLICA on events: on a replicated
-- ClickHouse the consumer has its replica fetch what the others stored before it looks records
-- up (docs/consumer.md, "On a replicated ClickHouse"). replay-dead-letters also reads dead_letters and
-- records what it replayed in dead_letter_replays.
-- clickstream_reader: Grafana. Read-only on the clickstream database; readonly = 2 lets it
-- set max_execution_time (the Grafana plugin does) but nothing can write.

CREATE USER IF NOT EXISTS clickstream_ingest
    IDENTIFIED WITH sha256_password BY '{{CLICKHOUSE_INGEST_PASSWORD}}';
GRANT INSERT, SELECT ON clickstream.events TO clickstream_ingest;
GRANT INSERT, SELECT ON clickstream.dead_letters TO clickstream_ingest;
GRANT INSERT, SELECT ON clickstream.dead_letter_replays TO clickstream_ingest;
GRANT SELECT ON clickstream.erasures TO clickstream_ingest;
GRANT SELECT(database, table, name, type) ON system.columns TO clickstream_ingest;
GRANT SELECT(database, name, engine) ON system.tables TO clickstream_ingest;
GRANT SYSTEM SYNC REPLICA ON clickstream.events TO clickstream_ingest;
-- The password the secrets hold now (CREATE USER IF NOT EXISTS keeps an existing user's):
-- applied at every start of the compose ClickHouse, so a password changed in .env takes effect.
ALTER USER clickstream_ingest IDENTIFIED WITH sha256_password BY '{{CLICKHOUSE_INGEST_PASSWORD}}';

CREATE USER IF NOT EXISTS clickstream_reader
    IDENTIFIED WITH sha256_password BY '{{CLICKHOUSE_READER_PASSWORD}}'
    SETTINGS readonly = 2, max_execution_time = 60;
GRANT SELECT ON clickstream.* TO clickstream_reader;
ALTER USER clickstream_reader IDENTIFIED WITH sha256_password BY '{{CLICKHOUSE_READER_PASSWORD}}';
