-- Applied in file-name order by ClickHouse's docker entrypoint (/docker-entrypoint-initdb.d)
-- and by the consumer at start-up: every statement must be idempotent.
CREATE DATABASE IF NOT EXISTS clickstream;
