package io.clickstream.consumer.erasure;

import static io.clickstream.consumer.clickhouse.SqlScript.literal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Erases one customer (docs/analyse.md, "Erase a customer"): every event of the customer id and of
 * the anonymous visitor ids it was seen with, recorded before the erasure. In this order, each
 * step safe to repeat:
 * <ol>
 *   <li>wait until the consumer group has stored everything Kafka holds now, then find the visitor
 *       ids (events and sessions with the customer id): every id the customer id was seen with
 *       before the request is then in ClickHouse;</li>
 *   <li>record the erasure: the hash of each id and the topic's end offsets now (the horizon)
 *       in {@code erasures}; from its next assignment on, a consumer leaves those ids' records
 *       below the horizon out of its inserts, so a re-read of Kafka does not store them again;</li>
 *   <li>wait until the consumer group's committed offsets reach the horizon: every block that
 *       holds a record below it, formed before the consumer knew of the erasure, is then stored
 *       (an intent's block is committed only once stored), so nothing below it can land later;</li>
 *   <li>delete those events, and the dead letters with the ids; blank the ids in the sessions
 *       rollup (its counts stay: aggregates without the id); check that none is left.</li>
 * </ol>
 * Records at or past the horizon are visits after the erasure and are stored as usual.
 */
public final class CustomerErasure {
    /** What the erasure found and did. */
    public record Report(
            int visitorIds, long events, long sessions, long deadLetters, boolean dryRun, Map<Integer, Long> horizon) {
        @Override
        public String toString() {
            return String.format(
                    "%s %,d events of the customer and %d anonymous visitor ids, %,d sessions (ids blanked, counts"
                            + " kept), %,d dead letters",
                    dryRun ? "would erase" : "erased", events, visitorIds, sessions, deadLetters);
        }
    }

    /** Erasure could not be completed; the message says what to do. */
    public static final class ErasureException extends Exception {
        public ErasureException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final DataSource clickHouse;
    private final KafkaPositions kafka;
    private final Clock clock;
    private final Consumer<String> progress;

    public CustomerErasure(DataSource clickHouse, KafkaPositions kafka, Clock clock, Consumer<String> progress) {
        this.clickHouse = clickHouse;
        this.kafka = kafka;
        this.clock = clock;
        this.progress = progress;
    }

    public Report erase(String customerId, boolean dryRun, Duration wait)
            throws ErasureException, InterruptedException {
        try (Connection connection = clickHouse.getConnection();
                Statement sql = connection.createStatement()) {
            if (dryRun) {
                List<String> visitors = visitors(sql, customerId);
                String ids = ids(customerId, visitors);
                return new Report(
                        visitors.size(),
                        count(sql, "events WHERE " + ids),
                        count(sql, "(SELECT session_id FROM sessions WHERE " + ids + " GROUP BY session_id)"),
                        count(sql, "dead_letters FINAL WHERE " + deadLetterIds(customerId, visitors)),
                        true,
                        Map.of());
            }
            Instant deadline = clock.instant().plus(wait);
            // 1. Everything Kafka holds now stored, so that every visitor id the customer id was
            // seen with is in ClickHouse to be found.
            KafkaPositions.Horizon now = kafka.endOffsets();
            progress.accept("waiting for the consumer group to store everything Kafka holds now " + now.offsets());
            awaitCommitted(
                    now,
                    deadline,
                    wait,
                    "nothing is recorded or deleted yet. Run the same command again once the consumer has caught up.");
            List<String> visitors = visitors(sql, customerId);
            String ids = ids(customerId, visitors);
            // 2. The erasure recorded: from their next assignment on, consumers leave these ids'
            // records below the horizon out.
            KafkaPositions.Horizon horizon = kafka.endOffsets();
            record(sql, customerId, visitors, horizon);
            progress.accept(String.format(
                    "erasure of %d ids recorded (horizon %s of topic ID %s)",
                    visitors.size() + 1, horizon.offsets(), horizon.topicId()));
            // 3. Every block that may hold such a record, formed before a consumer knew of the
            // erasure, stored: none can land after the delete.
            awaitCommitted(
                    horizon,
                    deadline,
                    wait,
                    "the erasure is recorded (the consumer leaves these records out from its next assignment);"
                            + " nothing is deleted yet. Run the same command again once the consumer has caught up.");
            String below = "(" + ids + ") AND " + belowHorizon(horizon);
            long events = count(sql, "events WHERE " + below);
            long sessions = count(sql, "(SELECT session_id FROM sessions WHERE " + ids + " GROUP BY session_id)");
            long deadLetters = count(sql, "dead_letters FINAL WHERE " + deadLetterIds(customerId, visitors));
            // 4. Deleted, and checked.
            sql.execute("ALTER TABLE events DELETE WHERE " + below + " SETTINGS mutations_sync = 2");
            sql.execute("ALTER TABLE sessions UPDATE user_id = '', customer_id = '' WHERE " + ids
                    + " SETTINGS mutations_sync = 2");
            sql.execute("ALTER TABLE dead_letters DELETE WHERE " + deadLetterIds(customerId, visitors)
                    + " SETTINGS mutations_sync = 2");
            long left = count(sql, "events WHERE " + below)
                    + count(sql, "sessions WHERE " + ids)
                    + count(sql, "dead_letters WHERE " + deadLetterIds(customerId, visitors));
            if (left > 0) {
                throw new ErasureException(
                        left + " rows of the customer are still there after the deletes: run the command again", null);
            }
            return new Report(visitors.size(), events, sessions, deadLetters, false, horizon.offsets());
        } catch (SQLException e) {
            throw new ErasureException(
                    "ClickHouse failed: " + e.getMessage() + " (nothing is lost by running the command again)", e);
        }
    }

    /** The anonymous visitor ids the customer id was seen with: in the events, and in the sessions rollup. */
    private static List<String> visitors(Statement sql, String customerId) throws SQLException {
        return strings(
                sql,
                "SELECT DISTINCT user_id FROM (SELECT user_id FROM events WHERE customer_id = " + literal(customerId)
                        + " UNION ALL SELECT user_id FROM sessions WHERE customer_id = " + literal(customerId)
                        + ") WHERE user_id != '' ORDER BY user_id");
    }

    private static String ids(String customerId, List<String> visitors) {
        return "customer_id = " + literal(customerId)
                + (visitors.isEmpty() ? "" : " OR user_id IN (" + list(visitors) + ")");
    }

    private void record(Statement sql, String customerId, List<String> visitors, KafkaPositions.Horizon horizon)
            throws SQLException {
        List<String> hashes = new ArrayList<>();
        hashes.add(ErasureList.hash(customerId));
        visitors.forEach(v -> hashes.add(ErasureList.hash(v)));
        String map = horizon.offsets().entrySet().stream()
                .map(e -> e.getKey() + ", " + e.getValue())
                .collect(Collectors.joining(", ", "map(", ")"));
        UUID erasure = UUID.randomUUID();
        String now = literal(clock.instant().toString().replace('T', ' ').replace("Z", ""));
        sql.execute("INSERT INTO erasures (erasure_id, requested_at, id_hash, topic_id, horizon) VALUES "
                + hashes.stream()
                        .map(h -> "(" + literal(erasure.toString()) + ", " + now + ", " + literal(h) + ", "
                                + literal(horizon.topicId().toString()) + ", " + map + ")")
                        .collect(Collectors.joining(", ")));
    }

    /**
     * Waits until the group's committed offset of every partition is at {@code horizon} or past
     * it, printing where each stands every 5 seconds; past {@code deadline}, fails saying
     * {@code thenWhat}.
     */
    private void awaitCommitted(KafkaPositions.Horizon horizon, Instant deadline, Duration wait, String thenWhat)
            throws ErasureException, InterruptedException {
        Instant nextReport = clock.instant().plusSeconds(5);
        while (true) {
            Map<Integer, Long> committed = kafka.committed();
            Map<Integer, String> behind = new TreeMap<>();
            horizon.offsets().forEach((partition, end) -> {
                long at = committed.getOrDefault(partition, 0L);
                if (at < end) {
                    behind.put(partition, "committed " + at + " of " + end);
                }
            });
            if (behind.isEmpty()) {
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new ErasureException(
                        "the consumer group has not stored everything Kafka held within " + wait + " (partition "
                                + behind + "): is the consumer running? " + thenWhat,
                        null);
            }
            if (!clock.instant().isBefore(nextReport)) {
                progress.accept("waiting for the consumer group: partition " + behind);
                nextReport = clock.instant().plusSeconds(5);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Rows of the events topic below the horizon, and rows of any other topic ID (recorded before
     * it existed). Kafka numbers a topic's partitions from 0: the horizon's offsets in that order.
     */
    private static String belowHorizon(KafkaPositions.Horizon horizon) {
        String ends =
                horizon.offsets().values().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
        return "(kafka_topic_id != toUUID(" + literal(horizon.topicId().toString()) + ") OR kafka_offset < " + ends
                + "[kafka_partition + 1])";
    }

    private static String deadLetterIds(String customerId, List<String> visitors) {
        return "JSONExtractString(payload, 'customer_id') = " + literal(customerId)
                + (visitors.isEmpty()
                        ? ""
                        : " OR key IN (" + list(visitors) + ") OR JSONExtractString(payload, 'user_id') IN ("
                                + list(visitors) + ")");
    }

    private static String list(List<String> values) {
        return values.stream().map(v -> literal(v)).collect(Collectors.joining(", "));
    }

    private static long count(Statement sql, String from) throws SQLException {
        try (ResultSet rows = sql.executeQuery("SELECT count() FROM " + from)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<String> strings(Statement sql, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
