-- Raw click events, one row per Kafka record.
--
-- ORDER BY (event_type, timestamp): dashboard queries filter on a time range and mostly
-- group or filter by event type. Partitions are months: ClickHouse cuts an insert into one block
-- per partition it touches, and the deduplication window below counts blocks; with months, an
-- insert of live traffic is one block (two at a month's turn) and a replay of a year of history
-- twelve, where days made one block per day (docs/consumer.md, "The deduplication window").
-- kafka_topic_id/kafka_partition/kafka_offset identify the source record: the consumer reads
-- them back on partition assignment to skip records already stored (no duplicates after a
-- crash between insert and offset commit), helped by the minmax index on kafka_offset.
-- kafka_topic_id is Kafka's topic ID, new each time a topic is created: a topic deleted and
-- re-created under the same name restarts its offsets at 0, and its records must not be
-- mistaken for the old topic's (kafka_topic keeps the name for people).
-- non_replicated_deduplication_window: ClickHouse remembers the last 10,000 insert blocks'
-- deduplication tokens, so a block the consumer re-sends after an insert whose answer was lost
-- is dropped by ClickHouse itself (docs/consumer.md, "Exactly once"): hours of inserts at the
-- default batch policy. Replicated tables have replicated_deduplication_window for the same purpose.
-- order_id: the order (transaction) a purchase belongs to, shared by the items of one checkout;
-- '' when the sender has none (then each purchase row is an order of its own). brand and
-- category_id: the product's, as recorded clickstreams carry them; '' when unknown.
-- Where an event came from (docs/collector.md, "What is stored"): page and referrer are a host and
-- a path, never a query string; utm_* are the session's campaign from its landing page; paid_click
-- says an ad click id was there (its value is not kept); channel, is_bot and country are the
-- collector's findings (country from the client address, which is not kept). customer_id: the
-- shop's id of a known customer (identify). properties: custom properties as text. All '' / false
-- / {} when unknown.
-- stored_per_minute: rows and the newest ingested_at per minute of storing, kept by ClickHouse in
-- each part (a projection is part of the part it describes: a block dropped as a duplicate has
-- none, so it agrees with the table whatever is re-sent). "How long since anything was stored"
-- (SELECT max(ingested_at) FROM events: the freshness panel and the Stale data alert) reads a
-- few rows per part from it instead of every row's ingested_at, whatever the events' own times
-- (a replay of 2019 is fresh while it is being stored).
-- Raw rows are kept {{RAW_RETENTION_DAYS}} days after ingestion (time of ingestion, not of the
-- event, so replayed historical data is kept too); the rollups in 003 are kept far longer.
CREATE TABLE IF NOT EXISTS clickstream.events
(
    event_id        UUID,
    event_type      Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4),
    user_id         String,
    product_id      String,
    price           Decimal(18, 2),
    timestamp       DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    session_id      String,
    category        LowCardinality(String),
    device          LowCardinality(String),
    browser         LowCardinality(String),
    os              LowCardinality(String),
    order_id        String,
    brand           LowCardinality(String),
    category_id     String,
    page            String,
    page_title      String,
    referrer        String,
    page_view_id    String,
    utm_source      LowCardinality(String),
    utm_medium      LowCardinality(String),
    utm_campaign    LowCardinality(String),
    utm_term        String,
    utm_content     String,
    paid_click      Bool,
    channel         LowCardinality(String),
    is_bot          Bool,
    country         LowCardinality(String),
    customer_id     String,
    properties      Map(LowCardinality(String), String),
    kafka_topic     LowCardinality(String),
    kafka_topic_id  UUID,
    kafka_partition UInt16,
    kafka_offset    UInt64 CODEC(Delta, ZSTD(1)),
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta, ZSTD(1)),
    INDEX kafka_offset_idx kafka_offset TYPE minmax GRANULARITY 1,
    PROJECTION stored_per_minute (SELECT toStartOfMinute(ingested_at), count(), max(ingested_at) GROUP BY toStartOfMinute(ingested_at))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (event_type, timestamp)
TTL toDateTime(ingested_at) + INTERVAL {{RAW_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Tables of an earlier version: the columns added since ('' in the rows they already hold).
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS order_id String AFTER os;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS brand LowCardinality(String) AFTER order_id;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS category_id String AFTER brand;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS page String AFTER category_id;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS page_title String AFTER page;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS referrer String AFTER page_title;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS page_view_id String AFTER referrer;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS utm_source LowCardinality(String) AFTER page_view_id;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS utm_medium LowCardinality(String) AFTER utm_source;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS utm_campaign LowCardinality(String) AFTER utm_medium;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS utm_term String AFTER utm_campaign;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS utm_content String AFTER utm_term;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS paid_click Bool AFTER utm_content;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS channel LowCardinality(String) AFTER paid_click;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS is_bot Bool AFTER channel;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS country LowCardinality(String) AFTER is_bot;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS customer_id String AFTER country;
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS properties Map(LowCardinality(String), String) AFTER customer_id;
-- Tables of an earlier version: the projection; their parts written before it are read in full
-- until merges rewrite them (or at once: ALTER TABLE clickstream.events MATERIALIZE PROJECTION stored_per_minute).
ALTER TABLE clickstream.events ADD PROJECTION IF NOT EXISTS stored_per_minute (SELECT toStartOfMinute(ingested_at), count(), max(ingested_at) GROUP BY toStartOfMinute(ingested_at));
