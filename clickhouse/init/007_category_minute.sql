-- Events, revenue and distinct users per minute, category and event type: the trends
-- dashboard's category panels read whole UTC days of a range from category_day (006) and the
-- minutes of its partial first and last days from here, so a range that starts or ends mid-day
-- counts only its own minutes (a daily rollup alone counts whole days). A day of this table is
-- 1,440 rows per category and event type at most; a range's edges are less than two days.
-- Kept {{ROLLUP_RETENTION_DAYS}} days after the event, like the other rollups (003).
-- Filled by the view from the time it is created: on an install of an earlier version, the
-- partial days of ranges before the upgrade count nothing in the category panels
-- (docs/consumer.md, "Upgrading").
CREATE TABLE IF NOT EXISTS clickstream.category_minute
(
    minute     DateTime('UTC'),
    category   LowCardinality(String),
    event_type Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4),
    events     SimpleAggregateFunction(sum, UInt64),
    revenue    SimpleAggregateFunction(sum, Decimal(38, 2)),
    users      AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, category, event_type)
TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.category_minute_mv TO clickstream.category_minute AS
SELECT
    toStartOfMinute(timestamp) AS minute,
    category,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue,
    uniqState(user_id) AS users
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, category, event_type;

ALTER TABLE clickstream.category_minute MODIFY TTL minute + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY SETTINGS materialize_ttl_after_modify = 0;

-- Views of an earlier version counted bots' events too (003).
ALTER TABLE clickstream.category_minute_mv MODIFY QUERY
SELECT
    toStartOfMinute(timestamp) AS minute,
    category,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue,
    uniqState(user_id) AS users
FROM clickstream.events
WHERE NOT is_bot
GROUP BY minute, category, event_type;
