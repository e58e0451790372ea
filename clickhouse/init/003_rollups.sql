-- Per-minute rollups maintained by materialized views on every insert into events. They are
-- what long-range dashboards read (a day is 1,440 rows per event type instead of millions of
-- events) and they outlive the raw data: kept {{ROLLUP_RETENTION_DAYS}} days after the event,
-- by default 36,500 (in effect forever), so a replay of history of any age (October 2019, with
-- the file's own times) fills them; a shorter retention drops older history as it is inserted.
--
-- Why not a retention by ingestion time, like the raw table's: it needs a column holding the
-- time of each insert attempt, and the views are kept functions of the inserted rows alone, so
-- that a re-sent insert makes exactly the blocks the first attempt made (docs/consumer.md). The ALTERs at the end of this file set the retention of existing tables from
-- ROLLUP_RETENTION_DAYS each time the schema is applied.
--
-- Sums and counts are exact and merge by addition (SummingMergeTree); distinct users and
-- sessions are uniq states (AggregatingMergeTree), merged with uniqMerge when read. orders are
-- the distinct orders of the purchases: their order_id, or the event itself for a purchase
-- without one (a sender without order ids: each purchase row an order of its own).
-- Always read with sum()/uniqMerge() and GROUP BY: a minute may sit in several parts until
-- a background merge combines them.
--
-- Bots' events (is_bot, 002) are left out: these rollups, and the panels and alerts reading them,
-- count people; the raw table and the sessions rollup (006) keep them.
--
-- Each target table has a deduplication window like events (002): when ClickHouse drops a
-- re-sent insert block as a duplicate, the view's block for it is dropped too, so a re-sent
-- batch is counted once in the rollups as well.

-- Events, revenue and distinct users/sessions per minute and event type.
CREATE TABLE IF NOT EXISTS clickstream.events_per_minute
(
    minute   DateTime('UTC'),
    event_type Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4),
    events   SimpleAggregateFunction(sum, UInt64),
    revenue  SimpleAggregateFunction(sum, Decimal(38, 2)),
    users    AggregateFunction(uniq, String),
    sessions AggregateFunction(uniq, String),
    orders   AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, event_type)
TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Tables of an earlier version had no orders; the column must exist before the view below is
-- checked against the table. Rows from before hold no orders: order counts start with the upgrade.
ALTER TABLE clickstream.events_per_minute ADD COLUMN IF NOT EXISTS orders AggregateFunction(uniq, String) AFTER sessions;

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.events_per_minute_mv TO clickstream.events_per_minute AS
SELECT
    toStartOfMinute(timestamp) AS minute,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue,
    uniqState(user_id) AS users,
    uniqStateIf(session_id, session_id != '') AS sessions,
    uniqStateIf(if(order_id = '', toString(event_id), order_id), event_type = 'purchase') AS orders
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, event_type;

-- Views, carts and revenue per minute and product (with its category).
CREATE TABLE IF NOT EXISTS clickstream.product_minute
(
    minute     DateTime('UTC'),
    product_id String,
    category   LowCardinality(String),
    event_type Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4),
    events     UInt64,
    revenue    Decimal(38, 2)
)
ENGINE = SummingMergeTree((events, revenue))
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, event_type, product_id, category)
TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.product_minute_mv TO clickstream.product_minute AS
SELECT
    toStartOfMinute(timestamp) AS minute,
    product_id,
    category,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, event_type, product_id, category;

-- Events per minute and shopper segment (device, browser, os): a checkout bug that hits
-- one segment shows as carts without purchases in that segment only.
CREATE TABLE IF NOT EXISTS clickstream.segment_minute
(
    minute     DateTime('UTC'),
    device     LowCardinality(String),
    browser    LowCardinality(String),
    os         LowCardinality(String),
    event_type Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4),
    events     UInt64,
    revenue    Decimal(38, 2)
)
ENGINE = SummingMergeTree((events, revenue))
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, event_type, device, browser, os)
TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.segment_minute_mv TO clickstream.segment_minute AS
SELECT
    toStartOfMinute(timestamp) AS minute,
    device,
    browser,
    os,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, event_type, device, browser, os;

-- Existing tables get the retention ROLLUP_RETENTION_DAYS says (an earlier version's default was
-- 400 days). materialize_ttl_after_modify = 0: no rewrite of every part each time this file is
-- applied; merges apply the TTL as they go.
ALTER TABLE clickstream.events_per_minute MODIFY TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE clickstream.product_minute MODIFY TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE clickstream.segment_minute MODIFY TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY SETTINGS materialize_ttl_after_modify = 0;

-- Views of an earlier version counted events without a session (session_id '') as one more
-- session: the same query as above, so both installs count alike (RollupRetentionIT compares).
ALTER TABLE clickstream.events_per_minute_mv MODIFY QUERY
SELECT
    toStartOfMinute(timestamp) AS minute,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue,
    uniqState(user_id) AS users,
    uniqStateIf(session_id, session_id != '') AS sessions,
    uniqStateIf(if(order_id = '', toString(event_id), order_id), event_type = 'purchase') AS orders
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, event_type;

-- Views of an earlier version counted bots' events too (is_bot, 002): these rollups count
-- people's events only, on every install.
ALTER TABLE clickstream.product_minute_mv MODIFY QUERY
SELECT
    toStartOfMinute(timestamp) AS minute,
    product_id,
    category,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, event_type, product_id, category;
ALTER TABLE clickstream.segment_minute_mv MODIFY QUERY
SELECT
    toStartOfMinute(timestamp) AS minute,
    device,
    browser,
    os,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, event_type, device, browser, os;
