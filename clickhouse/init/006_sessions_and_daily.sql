-- Sessions and daily KPIs per category, maintained by materialized views on every insert into
-- events, like the per-minute rollups (003). Kept {{ROLLUP_RETENTION_DAYS}} days after the event's
-- day (by default in effect forever; why not by ingestion time: 003).
--
-- sessions: one row per session and day *per insert block* until background merges combine
-- them; a session's events may arrive in many inserts, late, or across midnight. Always read
-- with GROUP BY session_id: sum() the counts, min(started_at)/max(ended_at), any() the user and
-- segment, argMinMerge(entry_product), uniqMerge(orders) (distinct orders, see 003),
-- windowFunnelMerge(1800000)(funnel). Filter on day first
-- (it leads the ORDER BY), then on the merged start:
--   WHERE day BETWEEN toDate(from, 'UTC') - 1 AND toDate(to, 'UTC') + 1 GROUP BY session_id HAVING started_at ...
-- (day is the UTC day: name the timezone, or a server in another one reads other days; the day
-- after the range holds the later events of sessions that started in it and went on past midnight)
-- funnel is an ordered-funnel state over page_view → add_to_cart → purchase within 30 minutes
-- (the session timeout) on millisecond timestamps: windowFunnelMerge gives 0..3, the furthest
-- step reached in order.
-- Where a session came from is its first event's: argMinMerge(channel), (source: the campaign's
-- utm_source, else the referrer's host), (campaign), (landing_page), (country); '' where that
-- event had none (panels show "(none)"). customer_id: the known customer's id if any event of the
-- session had one (max). is_bot: if any event was flagged a bot's (max); the other rollups leave
-- bots' events out altogether (003), this one keeps them so that their share can be shown.
CREATE TABLE IF NOT EXISTS clickstream.sessions
(
    day           Date,
    session_id    String,
    user_id       SimpleAggregateFunction(any, String),
    started_at    SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    ended_at      SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events        SimpleAggregateFunction(sum, UInt64),
    page_views    SimpleAggregateFunction(sum, UInt64),
    carts         SimpleAggregateFunction(sum, UInt64),
    removals      SimpleAggregateFunction(sum, UInt64),
    purchases     SimpleAggregateFunction(sum, UInt64),
    revenue       SimpleAggregateFunction(sum, Decimal(38, 2)),
    cart_value    SimpleAggregateFunction(sum, Decimal(38, 2)),
    removed_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    orders        AggregateFunction(uniq, String),
    entry_product AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    device        SimpleAggregateFunction(any, LowCardinality(String)),
    browser       SimpleAggregateFunction(any, LowCardinality(String)),
    os            SimpleAggregateFunction(any, LowCardinality(String)),
    funnel        AggregateFunction(windowFunnel(1800000), UInt64, UInt8, UInt8, UInt8),
    channel       AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    source        AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    campaign      AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    landing_page  AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    country       AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    customer_id   SimpleAggregateFunction(max, String),
    is_bot        SimpleAggregateFunction(max, Bool)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, session_id)
TTL day + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Sessions of an earlier version had no removed_value (abandoned carts are net of removals);
-- the column must exist before the view below is checked against the table.
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS removed_value SimpleAggregateFunction(sum, Decimal(38, 2)) AFTER cart_value;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS orders AggregateFunction(uniq, String) AFTER removed_value;
-- Nor removals: abandonment counts items (carts > removals), not money; rows stored before hold 0.
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS removals SimpleAggregateFunction(sum, UInt64) AFTER carts;
-- Nor where the session came from (its first event's channel, source, campaign, landing page and
-- country), its customer or whether it is a bot's; rows stored before hold empty states: those
-- sessions are shown as "(none)" and as people.
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS channel AggregateFunction(argMin, String, DateTime64(3, 'UTC')) AFTER funnel;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS source AggregateFunction(argMin, String, DateTime64(3, 'UTC')) AFTER channel;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS campaign AggregateFunction(argMin, String, DateTime64(3, 'UTC')) AFTER source;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS landing_page AggregateFunction(argMin, String, DateTime64(3, 'UTC')) AFTER campaign;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS country AggregateFunction(argMin, String, DateTime64(3, 'UTC')) AFTER landing_page;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS customer_id SimpleAggregateFunction(max, String) AFTER country;
ALTER TABLE clickstream.sessions ADD COLUMN IF NOT EXISTS is_bot SimpleAggregateFunction(max, Bool) AFTER customer_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.sessions_mv TO clickstream.sessions AS
SELECT
    toDate(timestamp) AS day,
    session_id,
    any(user_id) AS user_id,
    min(timestamp) AS started_at,
    max(timestamp) AS ended_at,
    count() AS events,
    countIf(event_type = 'page_view') AS page_views,
    countIf(event_type = 'add_to_cart') AS carts,
    countIf(event_type = 'remove_from_cart') AS removals,
    countIf(event_type = 'purchase') AS purchases,
    sumIf(toDecimal128(price, 2), event_type = 'purchase') AS revenue,
    sumIf(toDecimal128(price, 2), event_type = 'add_to_cart') AS cart_value,
    sumIf(toDecimal128(price, 2), event_type = 'remove_from_cart') AS removed_value,
    uniqStateIf(if(order_id = '', toString(event_id), order_id), event_type = 'purchase') AS orders,
    argMinState(product_id, timestamp) AS entry_product,
    any(device) AS device,
    any(browser) AS browser,
    any(os) AS os,
    windowFunnelState(1800000)(
        toUInt64(toUnixTimestamp64Milli(timestamp)),
        event_type = 'page_view',
        event_type = 'add_to_cart',
        event_type = 'purchase') AS funnel,
    argMinState(CAST(channel AS String), timestamp) AS channel,
    argMinState(if(utm_source != '', CAST(utm_source AS String), splitByChar('/', referrer)[1]), timestamp) AS source,
    argMinState(CAST(utm_campaign AS String), timestamp) AS campaign,
    argMinState(page, timestamp) AS landing_page,
    argMinState(CAST(country AS String), timestamp) AS country,
    max(customer_id) AS customer_id,
    max(is_bot) AS is_bot
FROM clickstream.events
WHERE session_id != ''
GROUP BY day, session_id;

-- Daily KPIs per product category: events, revenue, distinct users and sessions per event
-- type. 90 days are a few thousand rows: the trends dashboard reads this for the whole days of
-- its range (the partial first and last days from category_minute, 007), never the raw table.
-- Read with sum() and uniqMerge() and GROUP BY.
CREATE TABLE IF NOT EXISTS clickstream.category_day
(
    day        Date,
    category   LowCardinality(String),
    event_type Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4),
    events     SimpleAggregateFunction(sum, UInt64),
    revenue    SimpleAggregateFunction(sum, Decimal(38, 2)),
    users      AggregateFunction(uniq, String),
    sessions   AggregateFunction(uniq, String),
    orders     AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, category, event_type)
TTL day + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Tables of an earlier version had no orders (see 003).
ALTER TABLE clickstream.category_day ADD COLUMN IF NOT EXISTS orders AggregateFunction(uniq, String) AFTER sessions;

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.category_day_mv TO clickstream.category_day AS
SELECT
    toDate(timestamp) AS day,
    category,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue,
    uniqState(user_id) AS users,
    uniqStateIf(session_id, session_id != '') AS sessions,
    uniqStateIf(if(order_id = '', toString(event_id), order_id), event_type = 'purchase') AS orders
FROM clickstream.events
WHERE NOT is_bot
GROUP BY day, category, event_type;

-- Tables created by an earlier version with a smaller window: the same window as events.
ALTER TABLE clickstream.sessions MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE clickstream.category_day MODIFY SETTING non_replicated_deduplication_window = 10000;

-- Existing tables get the retention ROLLUP_RETENTION_DAYS says (see the end of 003).
ALTER TABLE clickstream.sessions MODIFY TTL day + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY SETTINGS materialize_ttl_after_modify = 0;
ALTER TABLE clickstream.category_day MODIFY TTL day + INTERVAL {{ROLLUP_RETENTION_DAYS}} DAY SETTINGS materialize_ttl_after_modify = 0;

-- Sessions of an earlier version had no removed_value (added to the table above): the view's
-- query as above.
ALTER TABLE clickstream.sessions_mv MODIFY QUERY
SELECT
    toDate(timestamp) AS day,
    session_id,
    any(user_id) AS user_id,
    min(timestamp) AS started_at,
    max(timestamp) AS ended_at,
    count() AS events,
    countIf(event_type = 'page_view') AS page_views,
    countIf(event_type = 'add_to_cart') AS carts,
    countIf(event_type = 'remove_from_cart') AS removals,
    countIf(event_type = 'purchase') AS purchases,
    sumIf(toDecimal128(price, 2), event_type = 'purchase') AS revenue,
    sumIf(toDecimal128(price, 2), event_type = 'add_to_cart') AS cart_value,
    sumIf(toDecimal128(price, 2), event_type = 'remove_from_cart') AS removed_value,
    uniqStateIf(if(order_id = '', toString(event_id), order_id), event_type = 'purchase') AS orders,
    argMinState(product_id, timestamp) AS entry_product,
    any(device) AS device,
    any(browser) AS browser,
    any(os) AS os,
    windowFunnelState(1800000)(
        toUInt64(toUnixTimestamp64Milli(timestamp)),
        event_type = 'page_view',
        event_type = 'add_to_cart',
        event_type = 'purchase') AS funnel,
    argMinState(CAST(channel AS String), timestamp) AS channel,
    argMinState(if(utm_source != '', CAST(utm_source AS String), splitByChar('/', referrer)[1]), timestamp) AS source,
    argMinState(CAST(utm_campaign AS String), timestamp) AS campaign,
    argMinState(page, timestamp) AS landing_page,
    argMinState(CAST(country AS String), timestamp) AS country,
    max(customer_id) AS customer_id,
    max(is_bot) AS is_bot
FROM clickstream.events
WHERE session_id != ''
GROUP BY day, session_id;

-- Views of an earlier version counted events without a session as one more session (see 003).
ALTER TABLE clickstream.category_day_mv MODIFY QUERY
SELECT
    toDate(timestamp) AS day,
    category,
    event_type,
    count() AS events,
    sum(toDecimal128(price, 2)) AS revenue,
    uniqState(user_id) AS users,
    uniqStateIf(session_id, session_id != '') AS sessions,
    uniqStateIf(if(order_id = '', toString(event_id), order_id), event_type = 'purchase') AS orders
FROM clickstream.events
WHERE NOT is_bot
GROUP BY day, category, event_type;
