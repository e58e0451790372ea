package io.clickstream.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Kafka's {@link MockConsumer} over partition logs that stay readable, for the randomized fault
 * run ({@link IngestLoopFaultRunTest}): a poll returns, from each assigned and unpaused
 * partition's position, a random number of the records after it (as fetch sizes and
 * {@code max.poll.records} cut them), so a partition moved back by a seek reads its records
 * again. The faults are Kafka's as the real client shows them: commits and committed-offset
 * look-ups that time out while the broker is away, commits the group refuses while this member
 * is fenced, and {@code wakeup()} (the shutdown hook) making the n-th blocking call from now
 * throw {@link WakeupException} — a commit it interrupts may have been applied by the broker or not.
 */
final class SimulatedKafkaConsumer extends MockConsumer<byte[], byte[]> {
    private final Map<TopicPartition, List<byte[]>> logs = new HashMap<>();
    /** The group's committed offsets: they outlive members (MockConsumer's own are cleared by subscribe). */
    private final Map<TopicPartition, OffsetAndMetadata> group = new HashMap<>();

    private final Random random;
    boolean brokerAway;
    boolean fenced;
    /** Blocking calls left before the pending wakeup fires (0: none pending). */
    private int wakeupIn;

    SimulatedKafkaConsumer(List<TopicPartition> partitions, Random random) {
        super("earliest");
        this.random = random;
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        for (TopicPartition partition : partitions) {
            logs.put(partition, new ArrayList<>());
            beginnings.put(partition, 0L);
        }
        updateBeginningOffsets(beginnings);
    }

    void append(TopicPartition partition, byte[] value) {
        logs.get(partition).add(value);
    }

    long end(TopicPartition partition) {
        return logs.get(partition).size();
    }

    byte[] record(TopicPartition partition, long offset) {
        return logs.get(partition).get((int) offset);
    }

    /** The shutdown hook calls {@code wakeup()}: the {@code nth} blocking call from now throws. */
    void wakeUpAt(int nth) {
        wakeupIn = nth;
        wakeupAtCommit = false;
    }

    /** The shutdown hook calls {@code wakeup()} while the next commit is on its way. */
    void wakeUpAtNextCommit() {
        wakeupIn = 0;
        wakeupAtCommit = true;
    }

    private boolean wakeupAtCommit;

    boolean wakeupPending() {
        return wakeupIn > 0 || wakeupAtCommit;
    }

    private void blockingCall() {
        if (wakeupIn > 0 && --wakeupIn == 0) {
            throw new WakeupException();
        }
    }

    /** What the group has committed, as any member reads it (no fault applies). */
    synchronized OffsetAndMetadata groupCommitted(TopicPartition partition) {
        return group.get(partition);
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        blockingCall();
        for (TopicPartition partition : assignment()) {
            if (paused().contains(partition)) {
                continue; // a paused partition's records are fetched once it is resumed, from its position then
            }
            long from = position(partition);
            long to = Math.min(end(partition), from + 1 + random.nextInt(1_500));
            for (long offset = from; offset < to; offset++) {
                addRecord(new ConsumerRecord<>(
                        partition.topic(), partition.partition(), offset, null, record(partition, offset)));
            }
        }
        return super.poll(timeout); // returns and clears what was added: every partition added is unpaused
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (wakeupIn == 1 || wakeupAtCommit) {
            wakeupIn = 0;
            wakeupAtCommit = false;
            if (random.nextBoolean() && !brokerAway && !fenced) {
                group.putAll(offsets); // the request reached the broker; its answer is not waited for
            }
            throw new WakeupException();
        }
        blockingCall();
        if (brokerAway) {
            throw new TimeoutException("Timeout of 60000ms expired before successfully committing offsets");
        }
        if (fenced) {
            throw new CommitFailedException("the group has rebalanced: this member is no longer in it");
        }
        group.putAll(offsets);
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        blockingCall();
        if (brokerAway) {
            throw new TimeoutException("Timeout of 60000ms expired before the committed offsets were fetched");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (group.containsKey(partition)) {
                committed.put(partition, group.get(partition));
            }
        }
        return committed;
    }

    @Override
    public synchronized OptionalLong currentLag(TopicPartition partition) {
        return OptionalLong.of(end(partition) - position(partition));
    }
}
