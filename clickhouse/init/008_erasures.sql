-- Erasures of customers (docs/analyse.md, "Erase a customer"): written by
-- `clickstream-consumer.jar erase-customer`, read by the consumer on every partition assignment.
-- One row per erased id: the SHA-256 (hex) of the customer id and of each anonymous visitor id
-- that customer used, never the ids themselves. horizon: per partition of the events topic (by
-- its topic ID), the log end offset when the erasure was recorded: the id's records below it are
-- erased (deleted here, and left out if Kafka still holds them and they are read again); records
-- at or past it are new visits, stored as usual.
CREATE TABLE IF NOT EXISTS clickstream.erasures
(
    erasure_id   UUID,
    requested_at DateTime64(3, 'UTC'),
    id_hash      String,
    topic_id     UUID,
    horizon      Map(UInt16, UInt64)
)
ENGINE = MergeTree
ORDER BY (id_hash, erasure_id);
