package io.clickstream.consumer;

import io.clickstream.consumer.metrics.IngestMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
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

    void lag(Consumer<?, ?> consumer, boolean outage) {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        metrics.lag.set(lag);
        LOG.info(
                "lag {} records on {} partitions; consumed {}, inserted {}, dead-lettered {}, duplicates skipped {}{}",
                lag,
                consumer.assignment().size(),
                metrics.consumed.sum(),
                metrics.inserted.sum(),
                metrics.deadLettered.sum(),
                metrics.duplicatesSkipped.sum(),
                outage ? "; ClickHouse unavailable" : "");
    }
}
