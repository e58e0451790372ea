package io.clickstream.consumer;

import io.clickstream.consumer.metrics.IngestMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest loop's progress lines (one per flush, one per lag interval) and the metrics they share. */
final class IngestLog {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class); // one logger name for the loop's story

    private final IngestMetrics metrics;

    IngestLog(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    void flushed(int rows, long insertNanos, long oldestEventMillis) {
        metrics.batches.increment();
        metrics.lastInsertMillis.set(insertNanos / 1_000_000);
        if (rows == 0) {
            return;
        }
        LOG.info(
                "flushed {} rows in {} ms ({} rows/s), oldest event {} ms old",
                rows,
                insertNanos / 1_000_000,
                insertNanos == 0 ? "-" : Math.round(rows * 1e9 / insertNanos),
                System.currentTimeMillis() - oldestEventMillis);
    }

    void lag(long lag, long inMemory, int partitions, boolean outage) {
        LOG.info(
                "lag {} records on {} partitions ({} fetched, not stored yet); consumed {}, inserted {}, dead-lettered {},"
                        + " duplicates skipped {}{}",
                lag,
                partitions,
                inMemory,
                metrics.consumed.sum(),
                metrics.inserted.sum(),
                metrics.deadLettered.sum(),
                metrics.duplicatesSkipped.sum(),
                outage ? "; ClickHouse unavailable" : "");
    }
}
