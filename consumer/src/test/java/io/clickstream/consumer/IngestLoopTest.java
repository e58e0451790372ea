package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.clickhouse.UnknownCodeLimit;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dedup.BatchToken;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.BlockBuffers;
import io.clickstream.consumer.processing.CatchUpPolicy;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ingest loop against Kafka's MockConsumer and an in-memory ClickHouse twin. */
class IngestLoopTest {
    private static final UUID TOPIC_ID = new UUID(1, 1);
    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final long SECOND = 1_000_000_000L;

    private final EventCodec codec = new EventCodec();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private MockConsumer<byte[], byte[]> consumer;
    private InMemoryEventWriter writer;
    private RecordingDeadLetters deadLetters;
    private IngestMetrics metrics;
    private long now;
    private IngestLoop loop;
    /** Commits that time out next, as they do while Kafka is down (default.api.timeout.ms passes). */
    private int commitTimeouts;
    /** Ownership checks that time out next. */
    private int intentTimeouts;
    /** The group has moved on without this member: Kafka refuses its commits. */
    private boolean fenced;
    /**
     * The shutdown hook wakes the consumer while the next intent is on its way: Kafka applies it, and
     * the waiting {@code commitSync} throws {@link WakeupException} (as the real client does when
     * {@code wakeup()} is called during a blocking call).
     */
    private boolean wakeupDuringNextIntent;
    /** Ownership checks before inserts (commits of unchanged offsets with the batch's end as metadata). */
    private final List<String> intents = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        consumer = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                boolean intent =
                        offsets.values().stream().anyMatch(o -> !o.metadata().isEmpty());
                if (intent && fenced) {
                    throw new CommitFailedException("the group has rebalanced: this member is no longer in it");
                }
                if (intent) {
                    if (intentTimeouts > 0) {
                        intentTimeouts--;
                        throw new TimeoutException("Timeout of 60000ms expired before successfully committing offsets");
                    }
                    intents.add(offsets.toString()); // applied too: a later owner reads it
                    super.commitSync(offsets);
                    if (wakeupDuringNextIntent) {
                        wakeupDuringNextIntent = false;
                        throw new WakeupException();
                    }
                    return;
                }
                if (commitTimeouts > 0) {
                    commitTimeouts--;
                    calls.add("commit timed out");
                    throw new TimeoutException("Timeout of 60000ms expired before successfully committing offsets");
                }
                calls.add("commit "
                        + offsets.entrySet().stream()
                                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::partition)))
                                .map(e -> e.getKey().partition() + "="
                                        + e.getValue().offset())
                                .toList());
                super.commitSync(offsets);
            }
        };
        writer = new InMemoryEventWriter(calls);
        deadLetters = new RecordingDeadLetters();
        metrics = new IngestMetrics();
        startLoop(Runnable::run); // inserts run in place: every flush completes within pollOnce
    }

    private void startLoop(Executor insertThread) {
        startLoop(insertThread, 1000);
    }

    private void startLoop(Executor insertThread, int maxRows) {
        if (loop != null) {
            consumer.rebalance(List.of()); // the loop started before gives its partitions up
        }
        loop = new IngestLoop(
                consumer,
                TOPIC,
                topic -> TOPIC_ID,
                writer,
                deadLetters,
                codec,
                new BlockBuffers(maxRows, Duration.ofSeconds(5), () -> now),
                new Backoff(Duration.ofSeconds(30)),
                metrics,
                () -> now,
                Duration.ofDays(1),
                new CatchUpPolicy(maxRows, maxRows, () -> now, message -> {}),
                insertThread);
        loop.subscribe();
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.rebalance(List.of(P0, P1));
    }

    /** An insert thread whose inserts wait until the test lets them run, one permit each. */
    private static final class GatedInsertThread implements Executor, AutoCloseable {
        final Semaphore gate = new Semaphore(0);
        private final ExecutorService thread = Executors.newSingleThreadExecutor();

        @Override
        public void execute(Runnable insert) {
            thread.execute(() -> {
                gate.acquireUninterruptibly();
                insert.run();
            });
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    /** Polls until {@code done} holds: the loop takes a finished insert back at its next poll. */
    private void pollUntil(BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + 60 * SECOND; // a hang detector
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out; calls: " + calls);
            loop.pollOnce();
            Thread.sleep(5);
        }
    }

    private byte[] event(int i) {
        return codec.encode(ClickEvent.of(
                new UUID(7, i),
                EventType.PAGE_VIEW,
                "user_" + (i % 50),
                "prod_" + i,
                new BigDecimal("9.99"),
                Instant.parse("2026-11-25T12:00:00Z").plusMillis(i)));
    }

    private void add(TopicPartition partition, long offset, byte[] value) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, partition.partition(), offset, null, value));
    }

    private void addEvents(TopicPartition partition, long from, int count) {
        for (int i = 0; i < count; i++) {
            add(partition, from + i, event((int) (partition.partition() * 1_000_000 + from + i)));
        }
    }

    private Long committed(TopicPartition partition) {
        OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
        return offset == null ? null : offset.offset();
    }

    /** The committed offset, 0 if none: what the partition's next owner starts from. */
    private long progress(TopicPartition partition) {
        Long offset = committed(partition);
        return offset == null ? 0 : offset;
    }

    /**
     * The loop stops dead (kill -9, or frozen for good) and a new one takes the partitions over,
     * reading what the group committed: the dead loop gets no callback and commits nothing more.
     */
    private void crashAndRestart(int maxRows) {
        Map<TopicPartition, OffsetAndMetadata> group = consumer.committed(Set.of(P0, P1));
        loop = null;
        startLoop(Runnable::run, maxRows);
        consumer.commitAsync(group, null); // the group's commits outlive the member (MockConsumer forgets them)
        consumer.rebalance(List.of()); // the group's view: the new member gets the partitions afresh
        consumer.rebalance(List.of(P0, P1));
    }

    private List<EventRow> rows(TopicPartition partition, long from, int count) throws Exception {
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long offset = from + i;
            rows.add(new EventRow(
                    codec.decode(event((int) (partition.partition() * 1_000_000 + offset))),
                    TOPIC,
                    TOPIC_ID,
                    partition.partition(),
                    offset));
        }
        return rows;
    }

    /** The first poll after assignment looks up stored offsets and resumes the partitions. */
    private void pollUntilResumed() throws Exception {
        loop.pollOnce();
        assertTrue(consumer.paused().isEmpty(), "resumed after the stored-offset lookup");
    }

    @Test
    void aPartitionsBlockIsFlushedAtBatchSizeAndCommittedOnlyAfterItsInsert() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 1000);
        addEvents(P1, 0, 400);
        loop.pollOnce();
        assertEquals(1000, writer.stored.size());
        assertEquals(
                List.of("write 1000", "commit [0=1000]"),
                calls.subList(calls.size() - 2, calls.size()),
                "one insert, then the commit of exactly what it stored");
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(List.of("write 400", "commit [1=400]"), calls.subList(calls.size() - 2, calls.size()));
    }

    @Test
    void blocksDueTogetherAreOneFlushOfOneInsertPerPartition() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 600);
        addEvents(P1, 0, 400);
        loop.pollOnce();
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(1000, writer.stored.size());
        assertEquals(
                List.of("write 600", "write 400", "commit [0=600, 1=400]"),
                calls.subList(calls.size() - 3, calls.size()),
                "a block is one partition's records: a later owner of either partition can form it again");
    }

    @Test
    void flushesWhenTheOldestRowHasWaitedTheMaximum() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 10);
        loop.pollOnce();
        now += 4 * SECOND;
        loop.pollOnce();
        assertEquals(0, writer.stored.size(), "not yet: 4 s < 5 s");
        now += SECOND;
        loop.pollOnce();
        assertEquals(10, writer.stored.size());
        assertEquals(10L, committed(P0));
    }

    @Test
    void aCommitKafkaDoesNotAnswerIsKeptAndMadeOnceKafkaIsBack() throws Exception {
        pollUntilResumed();
        commitTimeouts = 2; // Kafka down for two commit attempts
        addEvents(P0, 0, 1000);
        loop.pollOnce(); // stored; the commit is not answered: the loop goes on
        assertEquals(1000, writer.stored.size());
        assertEquals(0, progress(P0));
        now += 5 * SECOND;
        loop.pollOnce(); // a batch wait later the offsets go again, alone: not answered either
        assertEquals(0, progress(P0));
        addEvents(P0, 1000, 10); // meanwhile more arrive
        now += 5 * SECOND;
        loop.pollOnce();
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(1010L, committed(P0), "committed once Kafka answers");
        assertEquals(1010, writer.stored.size(), "nothing stored twice");
        assertEquals(
                List.of("write 1000", "commit timed out", "commit timed out", "write 10", "commit [0=1010]"),
                calls.subList(calls.size() - 5, calls.size()));
    }

    @Test
    void aCommitNotAnsweredAtShutdownIsRetriedUntilTheShutdownTimeout() throws Exception {
        pollUntilResumed();
        commitTimeouts = 1;
        addEvents(P0, 0, 10);
        loop.pollOnce();
        assertTrue(loop.drain(Duration.ofSeconds(30)), "the second commit is answered");
        assertEquals(10L, committed(P0));
        assertEquals(10, writer.stored.size());
    }

    @Test
    void everyInsertIsPrecededByAnIntentNamingTheBlockItSends() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        assertEquals(1, intents.size(), intents.toString());
        assertTrue(
                intents.get(0)
                        .contains("offset=0, leaderEpoch=null, metadata='intent end=1000 token="
                                + BatchToken.of(rows(P0, 0, 1000)) + "'"),
                intents.toString());
        assertEquals(1000L, committed(P0), "then the end, once stored");
        assertEquals("", consumer.committed(Set.of(P0)).get(P0).metadata(), "a plain commit clears the intent");
    }

    @Test
    void aConsumerTheGroupMovedOnWithoutInsertsNothingAndReadsAgainWhatItGetsBack() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 10);
        loop.pollOnce();
        fenced = true; // paused past its session: the group gave the partitions to another member
        now += 5 * SECOND; // the block fell due during the pause
        loop.pollOnce();
        assertEquals(0, writer.stored.size(), "nothing written for partitions that are not ours");
        assertNull(committed(P0));
        assertEquals(0, metrics.buffered.get(), "the buffer is dropped: the partition's owner reads the records");
        fenced = false; // the group gave the partition back to this consumer
        addEvents(P0, 0, 10); // read again from the committed offset
        loop.pollOnce();
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(10, writer.stored.size());
        assertEquals(10L, committed(P0));
    }

    @Test
    void aRefusedIntentInTheMiddleOfAPollLeavesTheRestOfThePollUnread() throws Exception {
        pollUntilResumed();
        fenced = true;
        addEvents(P0, 0, 1500); // the block of the first 1,000 is refused; 500 more records follow in the poll
        loop.pollOnce();
        assertEquals(0, writer.stored.size());
        fenced = false; // the partition is this consumer's again
        addEvents(P0, 0, 1500); // read again from the committed offset
        pollUntil(() -> Long.valueOf(1000).equals(committed(P0)));
        now += 5 * SECOND;
        pollUntil(() -> Long.valueOf(1500).equals(committed(P0)));
        assertEquals(1500, writer.stored.size());
        assertEquals(List.of(), writer.duplicates);
    }

    @Test
    void anOwnershipCheckKafkaDoesNotAnswerHoldsTheInsertBack() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 1000);
        intentTimeouts = 1; // the check before the insert
        loop.pollOnce();
        assertEquals(0, writer.stored.size(), "no insert without a confirmed owner");
        now += 31 * SECOND;
        loop.pollOnce();
        assertEquals(1000, writer.stored.size());
        assertEquals(1000L, committed(P0));
    }

    @Test
    void theSameUnknownErrorCodeTenTimesInARowStopsTheLoopWithoutCommitting() throws Exception {
        pollUntilResumed();
        writer.failNextWithCode(UnknownCodeLimit.ATTEMPTS, 12345);
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        for (int attempt = 2; attempt < UnknownCodeLimit.ATTEMPTS; attempt++) {
            now += 31 * SECOND;
            loop.pollOnce(); // retried, as for any code it does not know
        }
        now += 31 * SECOND;
        FatalIngestException stop = assertThrows(FatalIngestException.class, () -> loop.pollOnce());
        assertTrue(stop.getMessage().contains("code 12345, which the consumer does not classify"), stop.getMessage());
        assertEquals(0, progress(P0));
        assertEquals(0, writer.stored.size());
    }

    @Test
    void anUnknownErrorCodeThatClearsBeforeTheLimitIsJustRetried() throws Exception {
        pollUntilResumed();
        writer.failNextWithCode(UnknownCodeLimit.ATTEMPTS - 1, 12345);
        addEvents(P0, 0, 1000);
        for (int attempt = 0; attempt < UnknownCodeLimit.ATTEMPTS; attempt++) {
            loop.pollOnce();
            now += 31 * SECOND;
        }
        assertEquals(1000, writer.stored.size());
        assertEquals(1000L, committed(P0));
    }

    @Test
    void failedInsertCommitsNothingPausesAndRetriesUntilClickHouseIsBack() throws Exception {
        pollUntilResumed();
        writer.failNext(3, WriteException.Kind.RETRIABLE, false);
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        assertEquals(0, progress(P0));
        assertEquals(Set.of(P0, P1), consumer.paused(), "paused: poll keeps the membership, fetches nothing");
        assertEquals(0, metrics.clickHouseUp.get());
        addEvents(P0, 1000, 5); // arrives meanwhile, must wait
        for (int attempt = 0; attempt < 3; attempt++) {
            now += 31 * SECOND;
            loop.pollOnce();
        }
        assertEquals(1000, writer.stored.size(), "stored on the attempt after the third failure");
        assertEquals(1000L, committed(P0));
        assertTrue(consumer.paused().isEmpty(), "resumed");
        assertEquals(1, metrics.clickHouseUp.get());
        assertTrue(calls.indexOf("commit [0=1000]") > calls.lastIndexOf("write 1000"));
    }

    @Test
    void retryAfterAnAmbiguousFailureResendsTheSameBatchWithTheSameToken() throws Exception {
        pollUntilResumed();
        writer.failNext(1, WriteException.Kind.RETRIABLE, true); // stored, but the client saw a timeout
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        now += 31 * SECOND;
        loop.pollOnce();
        assertEquals(1000, writer.stored.size());
        assertEquals(List.of(), writer.duplicates);
        assertEquals(1, writer.deduplicatedInserts, "the re-sent batch carried the stored batch's token");
        assertEquals(
                List.of("write 1000", "write 1000", "commit [0=1000]"),
                calls.subList(calls.size() - 3, calls.size()),
                "re-sent as it was, without a lookup");
        assertEquals(1000L, committed(P0));
    }

    @Test
    void aSlowFirstAttemptThatLandsAfterTheRetryIsDroppedAsADuplicate() throws Exception {
        pollUntilResumed();
        writer.holdNext(); // a table lock holds the insert past the client's timeout
        addEvents(P0, 0, 1300);
        loop.pollOnce(); // block [0, 1000) sent and held; 300 more rows polled behind it
        now += 31 * SECOND;
        loop.pollOnce(); // the retry: the same block, alone, with the same token
        writer.landHeld(); // then the first attempt completes
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(1300, writer.stored.size());
        assertEquals(List.of(), writer.duplicates);
        assertEquals(1, writer.deduplicatedInserts, "the first attempt landed second and was dropped");
        assertEquals(List.of("write 1000", "write 1000", "write 300"), writes(), "never merged with later rows");
        assertEquals(1300L, committed(P0));
    }

    @Test
    void aRetryDropsTheBlocksOfPartitionsLostMeanwhileAndSendsTheRestUnchanged() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 10);
        addEvents(P1, 0, 20);
        loop.pollOnce();
        now += 5 * SECOND;
        writer.failNext(1, WriteException.Kind.RETRIABLE, true); // P0's block stored, the answer lost
        loop.pollOnce();
        loop.onPartitionsLost(List.of(P1)); // P1's block is its next owner's now
        now += 31 * SECOND;
        loop.pollOnce();
        assertEquals(List.of("write 10", "write 10"), writes(), "P0's block again, as it was; P1's not by us");
        assertEquals(1, writer.deduplicatedInserts);
        assertEquals(10, writer.stored.size());
        assertEquals(10L, committed(P0));
        assertEquals(0, progress(P1));
    }

    @Test
    void aNewOwnerFormsTheEarlierOwnersBlockAgainAndItsLateInsertIsDropped() throws Exception {
        pollUntilResumed();
        writer.holdNext(); // the owner froze (or died) with its insert in flight
        addEvents(P0, 0, 1300);
        loop.pollOnce();
        String token = BatchToken.of(rows(P0, 0, 1000));
        assertTrue(intents.get(0).contains("intent end=1000 token=" + token), intents.toString());
        crashAndRestart(100); // the new owner's blocks are smaller: the intent's block is cut as it was
        addEvents(P0, 0, 1300); // read again from the committed offset
        pollUntil(() -> writer.stored.size() >= 1000);
        writer.landHeld(); // the frozen owner's insert lands late
        now += 5 * SECOND;
        pollUntil(() -> Long.valueOf(1300).equals(committed(P0)));
        assertEquals(1000, Integer.parseInt(writes().get(1).substring("write ".length())), writes().toString());
        assertTrue(writer.tokens.contains(token));
        assertEquals(1, writer.deduplicatedInserts, "one block, one token, stored once");
        assertEquals(List.of(), writer.duplicates);
        assertEquals(1300, writer.stored.size());
    }

    @Test
    void aBlockWhoseRecordsBelowTheIntentsEndAreGoneIsCutWhereThePartitionEnds() throws Exception {
        pollUntilResumed();
        writer.holdNext(); // the owner dies with block [0, 1000) in flight; it never lands
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        crashAndRestart(1000);
        addEvents(P0, 0, 600); // offsets 600..999 are gone (an unclean leader election)
        consumer.updateEndOffsets(Map.of(P0, 600L));
        loop.pollOnce();
        loop.pollOnce();
        assertEquals(0, writer.stored.size(), "waits for the intent's end while the block is not due");
        now += 5 * SECOND;
        pollUntil(() -> Long.valueOf(600).equals(committed(P0)));
        assertEquals(600, writer.stored.size(), "stored where reading ended, not waiting for ever");
    }

    @Test
    void aViewThatRefusesAStoredBlockStopsTheConsumerAndTheRestartSendsTheSameBlock() throws Exception {
        pollUntilResumed();
        writer.failInView();
        addEvents(P0, 0, 1000);
        FatalIngestException stop = assertThrows(FatalIngestException.class, loop::pollOnce);
        assertTrue(stop.getMessage().contains("materialized view"), stop.getMessage());
        assertEquals(0, deadLetters.letters.size(), "stored rows are not dead letters");
        assertEquals(0, progress(P0));
        crashAndRestart(1000); // after the view is fixed
        addEvents(P0, 0, 1000);
        pollUntil(() -> Long.valueOf(1000).equals(committed(P0)));
        assertEquals(1, writer.deduplicatedInserts, "sent again with its token: events keeps one copy, views get it");
        assertEquals(List.of(), writer.duplicates);
    }

    private List<String> writes() {
        return calls.stream().filter(c -> c.startsWith("write")).toList();
    }

    @Test
    void recordsOfARecreatedTopicAreNotMistakenForTheOldTopicsRecords() throws Exception {
        // The old topic (another ID) stored offsets 0..999 of P0; the new topic restarts at 0.
        List<io.clickstream.consumer.processing.EventRow> old = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            old.add(new io.clickstream.consumer.processing.EventRow(
                    codec.decode(event(i)), TOPIC, new UUID(9, 9), 0, i));
        }
        writer.write(old, "old topic's batch");
        pollUntilResumed();
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        assertEquals(2000, writer.stored.size(), "all 1,000 new records stored beside the old ones");
        assertEquals(0, metrics.duplicatesSkipped.sum());
    }

    @Test
    void offsetsStoredButNotCommittedAreSkippedAfterAssignment() throws Exception {
        // A previous owner inserted offsets 0..599 of P0 and died before committing.
        List<io.clickstream.consumer.processing.EventRow> previous = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            previous.add(
                    new io.clickstream.consumer.processing.EventRow(codec.decode(event(i)), TOPIC, TOPIC_ID, 0, i));
        }
        writer.write(previous, "previous owner's batch");
        calls.clear();
        pollUntilResumed();
        assertTrue(calls.contains("lookup events-0 from 0"));
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(1000, writer.stored.size());
        assertEquals(List.of(), writer.duplicates);
        assertEquals(600, metrics.duplicatesSkipped.sum());
        assertEquals(1000L, committed(P0));
    }

    @Test
    void partitionsStayPausedWhileStoredOffsetsCannotBeLookedUp() throws Exception {
        writer.failNext(2, WriteException.Kind.RETRIABLE, false);
        loop.pollOnce();
        assertEquals(Set.of(P0, P1), consumer.paused());
        now += 31 * SECOND;
        loop.pollOnce();
        assertTrue(!consumer.paused().isEmpty(), "second lookup failed too");
        now += 31 * SECOND;
        loop.pollOnce();
        assertTrue(consumer.paused().isEmpty());
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndDoNotBlockThePartition() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 5);
        add(P0, 5, "{not json".getBytes(StandardCharsets.UTF_8));
        add(P0, 6, null);
        add(
                P0,
                7,
                new String(event(7), StandardCharsets.UTF_8)
                        .replace("9.99", "-1")
                        .getBytes(StandardCharsets.UTF_8));
        addEvents(P0, 8, 2);
        loop.pollOnce();
        now += 5 * SECOND;
        loop.pollOnce();
        assertEquals(7, writer.stored.size());
        assertEquals(3, deadLetters.letters.size());
        assertEquals(
                "malformed JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name",
                deadLetters.letters.get(0).reason());
        assertEquals("empty payload", deadLetters.letters.get(1).reason());
        assertEquals("price: must be >= 0, got -1", deadLetters.letters.get(2).reason());
        assertEquals(
                List.of(5L, 6L, 7L),
                deadLetters.letters.stream().map(l -> l.sourceOffset()).toList());
        assertEquals(10L, committed(P0), "committed past the poison records");
    }

    @Test
    void rowsClickHouseRejectsAreIsolatedAndDeadLettered() throws Exception {
        pollUntilResumed();
        writer.rejectRows(row -> row.offset() == 3 || row.offset() == 700);
        addEvents(P0, 0, 1000);
        loop.pollOnce();
        assertEquals(998, writer.stored.size());
        assertEquals(
                List.of(3L, 700L),
                deadLetters.letters.stream().map(l -> l.sourceOffset()).sorted().toList());
        assertTrue(deadLetters.letters.get(0).reason().startsWith("rejected by ClickHouse: scripted TYPE_MISMATCH"));
        assertEquals(1000L, committed(P0));
    }

    @Test
    void fatalErrorStopsWithoutCommitting() throws Exception {
        pollUntilResumed();
        writer.failNext(1, WriteException.Kind.FATAL, false);
        addEvents(P0, 0, 1000);
        assertThrows(FatalIngestException.class, loop::pollOnce);
        assertEquals(0, progress(P0));
    }

    @Test
    void revocationFlushesAndCommitsWhatBelongsToTheRevokedPartitions() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 30);
        addEvents(P1, 0, 20);
        loop.pollOnce();
        consumer.rebalance(List.of(P1));
        assertEquals(50, writer.stored.size());
        assertEquals(
                List.of("write 30", "write 20", "commit [0=30, 1=20]"),
                calls.subList(calls.size() - 3, calls.size()),
                "stored and committed while the partition was still ours");
    }

    @Test
    void revocationWhileClickHouseIsDownDropsTheRowsUncommitted() throws Exception {
        pollUntilResumed();
        writer.failNext(100, WriteException.Kind.RETRIABLE, false);
        addEvents(P0, 0, 30);
        loop.pollOnce();
        consumer.rebalance(List.of(P1));
        assertEquals(0, progress(P0), "not committed: the next owner reads offsets 0..29 again");
        writer.failNext(0, WriteException.Kind.RETRIABLE, false);
        now += 31 * SECOND;
        loop.pollOnce();
        assertEquals(0, writer.stored.size(), "the dropped rows are not inserted by the old owner");
    }

    @Test
    void partitionsAssignedAgainDuringAnOutageStoreOnceClickHouseAnswers() throws Exception {
        pollUntilResumed();
        writer.failNext(100, WriteException.Kind.RETRIABLE, false); // ClickHouse down
        addEvents(P0, 0, 30);
        now += 5 * SECOND;
        loop.pollOnce(); // fails: outage
        consumer.rebalance(List.of()); // a member leaves: revoked (the flush fails, the rows are dropped) ...
        consumer.rebalance(List.of(P0, P1)); // ... and assigned again, with the other member's partitions
        assertEquals(0, progress(P0), "nothing committed: the rows are read again from offset 0");
        now += 31 * SECOND;
        loop.pollOnce(); // still down: the stored-offset lookup fails too
        writer.failNext(0, WriteException.Kind.RETRIABLE, false); // ClickHouse back
        addEvents(P0, 0, 30); // the records are read again from the last commit
        for (int i = 0; i < 3 && writer.stored.size() < 30; i++) {
            now += 31 * SECOND;
            loop.pollOnce();
        }
        assertEquals(30, writer.stored.size(), "stored again without an insert to end the outage");
        assertEquals(30L, committed(P0));
        assertTrue(consumer.paused().isEmpty(), "every partition resumed");
    }

    @Test
    void theNextBatchIsPolledWhileTheInsertBeforeItIsInFlightAndCommitsStayInOrder() throws Exception {
        try (GatedInsertThread inserts = new GatedInsertThread()) {
            startLoop(inserts);
            pollUntilResumed();
            addEvents(P0, 0, 1000);
            loop.pollOnce(); // batch 1 handed over; its insert waits at the gate
            addEvents(P0, 1000, 600);
            loop.pollOnce();
            assertEquals(600, metrics.buffered.get(), "batch 2 polled and decoded meanwhile");
            assertEquals(0, writer.stored.size());
            assertEquals(0, progress(P0), "nothing committed before its insert finished");
            inserts.gate.release();
            pollUntil(() -> Long.valueOf(1000).equals(committed(P0)));
            addEvents(P0, 1600, 400);
            loop.pollOnce(); // batch 2 full: handed over
            inserts.gate.release();
            pollUntil(() -> Long.valueOf(2000).equals(committed(P0)));
            assertEquals(
                    List.of("write 1000", "commit [0=1000]", "write 1000", "commit [0=2000]"),
                    calls.subList(calls.size() - 4, calls.size()));
            assertEquals(2000, writer.stored.size());
        }
    }

    @Test
    void aPartitionWhoseNextBlockFillsDuringAnInsertIsHeldBackWhileTheOthersAreRead() throws Exception {
        try (GatedInsertThread inserts = new GatedInsertThread()) {
            startLoop(inserts);
            pollUntilResumed();
            addEvents(P0, 0, 1000);
            loop.pollOnce(); // P0's first block handed over; its insert waits at the gate
            addEvents(P0, 1000, 1500);
            addEvents(P1, 0, 500);
            loop.pollOnce();
            assertEquals(Set.of(P0), consumer.paused(), "P0 held back: its next block is full");
            assertEquals(2000, metrics.buffered.get(), "P0's full block, the 500 it could not take, and P1's 500");
            assertEquals(0, writer.stored.size());
            inserts.gate.release();
            pollUntil(() -> Long.valueOf(1000).equals(committed(P0)));
            pollUntil(() -> consumer.paused().isEmpty()); // its full block handed over, the held records taken: resumed
            inserts.gate.release();
            pollUntil(() -> Long.valueOf(2000).equals(committed(P0)));
            now += 6 * SECOND; // the partial blocks fall due
            inserts.gate.release();
            pollUntil(() -> Long.valueOf(2500).equals(committed(P0))
                    && Long.valueOf(500).equals(committed(P1)));
            assertEquals(3000, writer.stored.size());
            assertEquals(List.of(), writer.duplicates);
            assertEquals(List.of("write 1000", "write 1000", "write 500", "write 500"), writes());
        }
    }

    @Test
    void aFailedBlockIsRetriedAloneWhileTheRowsPolledMeanwhileWaitBehindIt() throws Exception {
        try (GatedInsertThread inserts = new GatedInsertThread()) {
            startLoop(inserts);
            pollUntilResumed();
            writer.failNext(1, WriteException.Kind.RETRIABLE, true); // stored, but the answer was lost
            addEvents(P0, 0, 1000);
            loop.pollOnce();
            addEvents(P0, 1000, 300);
            loop.pollOnce();
            inserts.gate.release();
            pollUntil(() -> !consumer.paused().isEmpty());
            assertEquals(0, progress(P0));
            assertEquals(300, metrics.buffered.get(), "the 300 polled since wait in their own block");
            now += 31 * SECOND;
            inserts.gate.release(2); // the retry, then the block behind it
            pollUntil(() -> Long.valueOf(1300).equals(committed(P0)));
            assertEquals(1300, writer.stored.size());
            assertEquals(List.of(), writer.duplicates);
            assertEquals(List.of("write 1000", "write 1000", "write 300"), writes(), "re-sent as it was, no lookup");
            assertEquals(1, writer.deduplicatedInserts);
            assertTrue(consumer.paused().isEmpty(), "resumed");
        }
    }

    @Test
    void revocationWaitsForTheInsertInFlightAndCommitsItWhileThePartitionsAreStillOurs() throws Exception {
        try (GatedInsertThread inserts = new GatedInsertThread()) {
            startLoop(inserts);
            pollUntilResumed();
            addEvents(P0, 0, 30);
            addEvents(P1, 0, 20);
            loop.pollOnce();
            now += 5 * SECOND;
            loop.pollOnce(); // due: handed over, waiting at the gate
            assertEquals(0, writer.stored.size());
            Executors.newSingleThreadScheduledExecutor()
                    .schedule(() -> inserts.gate.release(), 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            consumer.rebalance(List.of(P1));
            assertEquals(50, writer.stored.size());
            assertEquals(
                    List.of("write 30", "write 20", "commit [0=30, 1=20]"),
                    calls.subList(calls.size() - 3, calls.size()));
        }
    }

    @Test
    void aFatalInsertTakenBackWhenPartitionsAreLostStopsTheLoopAtItsNextPoll() throws Exception {
        try (GatedInsertThread inserts = new GatedInsertThread()) {
            startLoop(inserts);
            pollUntilResumed();
            addEvents(P0, 0, 30);
            loop.pollOnce();
            now += 5 * SECOND;
            writer.failNext(1, WriteException.Kind.FATAL, false); // e.g. a column changed under us
            loop.pollOnce(); // due: handed over, waiting at the gate
            inserts.gate.release();
            loop.onPartitionsLost(List.of(P0)); // the session expired meanwhile
            assertThrows(FatalIngestException.class, loop::pollOnce, "not retried as if nothing happened");
            assertEquals(0, writer.stored.size());
            assertEquals(0, progress(P0));
        }
    }

    /**
     * Issue 33, found by its numbers: a retry's blocks were taken out of the outage, the shutdown
     * hook's wakeup interrupted their intent, and the drain, finding nothing left to retry, sent the
     * partition's next block: its intent committed the offset past the block that was never stored.
     */
    @Test
    void aShutdownThatWakesARetrysIntentKeepsItsBlockAndCommitsNothingPastIt() throws Exception {
        pollUntilResumed();
        writer.failNext(1_000, WriteException.Kind.RETRIABLE, false); // ClickHouse down
        addEvents(P0, 0, 1177);
        loop.pollOnce(); // block [0, 1000) fails; [1000, 1177) is buffered behind it
        now += 31 * SECOND;
        wakeupDuringNextIntent = true; // SIGTERM while the retry's intent is on its way
        assertThrows(WakeupException.class, loop::pollOnce);
        assertTrue(!loop.drain(Duration.ZERO), "ClickHouse is still down: nothing drained");
        assertEquals(0, progress(P0), "committed past a block that was never stored");
        assertIntent(P0, 1000);
        writer.failNext(0, WriteException.Kind.RETRIABLE, false); // ClickHouse back; a new consumer
        crashAndRestart(1000);
        addEvents(P0, 0, 1177);
        for (int i = 0; i < 3; i++) { // the lookup; the intent's block, with its token; the rest
            loop.pollOnce();
            now += 5 * SECOND;
        }
        assertEquals(1177L, committed(P0));
        assertEquals(1177, writer.stored.size(), "every record stored");
        assertTrue(writer.tokens.contains(BatchToken.of(rows(P0, 0, 1000))));
        assertEquals(List.of(), writer.duplicates);
    }

    /** The same wakeup on a block's first intent: the block is kept as it is and stored by the drain. */
    @Test
    void aShutdownThatWakesABlocksFirstIntentDrainsThatBlockBeforeTheNext() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 1177);
        wakeupDuringNextIntent = true;
        assertThrows(WakeupException.class, loop::pollOnce); // [0, 1000) was due; its intent is applied
        assertTrue(loop.drain(Duration.ofSeconds(5)));
        assertEquals(List.of("write 1000"), writes(), "the woken block, with its token");
        assertTrue(writer.tokens.contains(BatchToken.of(rows(P0, 0, 1000))));
        assertEquals(1000L, committed(P0), "the records the poll returned after it were not handled: read again");
    }

    /** A wakeup in the revocation's flush still releases the revoked partitions. */
    @Test
    void aWakeupDuringTheRevocationFlushStillReleasesTheRevokedPartitions() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 30);
        loop.pollOnce();
        wakeupDuringNextIntent = true;
        assertThrows(WakeupException.class, () -> consumer.rebalance(List.of(P1)));
        assertTrue(loop.drain(Duration.ofSeconds(5)), "nothing of P0 left to drain: it is not ours");
        assertEquals(0, writer.stored.size(), "the revoked partition's block is its next owner's");
        assertIntent(P0, 30);
    }

    /** Issue 33: Kafka's lag is 0 once everything is fetched; the reported lag counts what is not stored. */
    @Test
    void theReportedLagCountsFetchedRecordsNotStoredYet() throws Exception {
        try (GatedInsertThread inserts = new GatedInsertThread()) {
            startLoop(inserts);
            pollUntilResumed();
            consumer.updateEndOffsets(Map.of(P0, 1177L, P1, 0L));
            addEvents(P0, 0, 1177);
            loop.pollOnce(); // [0, 1000) in flight, [1000, 1177) buffered: all fetched
            assertEquals(0, consumer.currentLag(P0).getAsLong(), "Kafka's own lag");
            assertEquals(1177, metrics.lag.get(), "in flight and buffered");
            writer.failNext(1, WriteException.Kind.RETRIABLE, false);
            inserts.gate.release();
            pollUntil(() -> metrics.clickHouseUp.get() == 0); // failed: waiting for its retry
            assertEquals(1177, metrics.lag.get(), "waiting for a retry and buffered");
            now += 31 * SECOND;
            inserts.gate.release(2); // the retry, then [1000, 1177): one poll may see both through
            pollUntil(() -> committed(P0) != null && committed(P0) >= 1000);
            now += 5 * SECOND;
            pollUntil(() -> Long.valueOf(1177).equals(committed(P0)));
            loop.pollOnce();
            assertEquals(0, metrics.lag.get(), "everything stored");
        }
    }

    private void assertIntent(TopicPartition partition, long end) {
        OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
        assertTrue(
                offset != null && offset.metadata().startsWith("intent end=" + end + " "),
                "the intent its next owner forms again: " + offset);
    }

    @Test
    void drainOnShutdownStoresAndCommitsTheLastPartialBatch() throws Exception {
        pollUntilResumed();
        addEvents(P0, 0, 123);
        loop.pollOnce();
        assertTrue(loop.drain(Duration.ofSeconds(5)));
        assertEquals(123, writer.stored.size());
        assertEquals(123L, committed(P0));
    }
}
