-- Brings tables created before the exactly-once changes up to date (a column, the window of
-- 002); a no-op on new ones. A daily-partitioned events table of an earlier version keeps its
-- partitioning (ClickHouse cannot change it in place): docs/consumer.md, "Upgrading".
-- (CREATE TABLE IF NOT EXISTS in 002 and 003 leaves an existing table as it is.)
-- Rows stored before kafka_topic_id existed read it as the nil UUID; the consumer matches
-- those by topic name instead (docs/consumer.md, "Upgrading").
ALTER TABLE clickstream.events ADD COLUMN IF NOT EXISTS kafka_topic_id UUID AFTER kafka_topic;
ALTER TABLE clickstream.events MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE clickstream.events_per_minute MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE clickstream.product_minute MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE clickstream.segment_minute MODIFY SETTING non_replicated_deduplication_window = 10000;
