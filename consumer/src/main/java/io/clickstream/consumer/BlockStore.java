package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dedup.StoredRecordFilter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.erasure.ErasureList;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Block;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.EventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores blocks exactly once (docs/consumer.md, "The guarantee"). Before a block's first attempt
 * ({@link #prepare}), rows found already stored are taken out of it: stored by another group,
 * or before offsets were reset ({@link StoredRecordFilter}). A block that re-forms an earlier
 * owner's intent is checked against it instead: found entirely stored, it needs no insert;
 * otherwise it goes with the earlier attempt's rows and token. From then on the block never
 * changes: {@link #store} sends it as it is, however often, and ClickHouse keeps one copy.
 * Never looked up between attempts: a lookup cannot tell whether an earlier attempt is still
 * running on the server, a token can.
 *
 * <p>Rows of erased customers recorded before their erasure ({@link ErasureList}, loaded again on
 * every assignment) are taken out at the same moment, before the first attempt; a block that
 * re-forms an earlier owner's intent is sent as that owner formed it, with or without them,
 * whichever carries its token (docs/consumer.md, "Erasures": why a row stored that way is deleted
 * all the same).
 */
final class BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);

    private final EventWriter writer;
    private final StoredRecordFilter storedRecords;
    private final IsolatingInserter inserter;
    private final IngestMetrics metrics;
    private ErasureList erasures = ErasureList.NONE;

    BlockStore(EventWriter writer, DeadLetterPublisher deadLetters, EventCodec codec, IngestMetrics metrics) {
        this.writer = writer;
        this.storedRecords = new StoredRecordFilter(writer);
        this.inserter = new IsolatingInserter(writer, deadLetters, codec, metrics);
        this.metrics = metrics;
    }

    /** On assignment: how many records of the partition from {@code position} on are stored already. */
    long assigned(TopicPartition partition, UUID topicId, long position) throws WriteException {
        ErasureList loaded = ErasureList.of(writer.erasures());
        if (loaded.size() != erasures.size()) {
            LOG.info("{} erased ids: their records from before their erasure are not stored", loaded.size());
        }
        erasures = loaded;
        return storedRecords.assigned(partition, topicId, position);
    }

    void released(TopicPartition partition) {
        storedRecords.forget(partition);
    }

    /** The block to attempt, before its intent is committed: called once per block, never for a retry. */
    Block prepare(Block block) throws WriteException {
        if (block.commitOnly()) {
            return block;
        }
        return block.reformedToken() == null ? withoutStored(block) : reformed(block);
    }

    private Block withoutStored(Block block) throws WriteException {
        List<EventRow> rows = withoutErased(block.rows());
        int erased = block.rows().size() - rows.size();
        int skipped = storedRecords.removeStored(rows);
        if (skipped == 0 && erased == 0) {
            return block;
        }
        metrics.duplicatesSkipped.add(skipped);
        metrics.erasedSkipped.add(erased);
        LOG.info(
                "{}: {} rows are already stored, {} of erased customers; inserting the other {}",
                block,
                skipped,
                erased,
                rows.size());
        return block.withRows(rows);
    }

    private List<EventRow> withoutErased(List<EventRow> rows) {
        if (erasures.isEmpty()) {
            return new ArrayList<>(rows);
        }
        List<EventRow> kept = new ArrayList<>(rows.size());
        for (EventRow row : rows) {
            if (!erasures.erased(row)) {
                kept.add(row);
            }
        }
        return kept;
    }

    private Block reformed(Block block) throws WriteException {
        List<EventRow> withoutErased = withoutErased(block.rows());
        if (withoutErased.size() < block.rows().size()
                && !withoutErased.isEmpty()
                && block.withRows(withoutErased).token().equals(block.reformedToken())) {
            LOG.info("{}: an earlier owner's block, without erased customers' rows, sent again with its token", block);
            metrics.erasedSkipped.add(block.rows().size() - withoutErased.size());
            return block.withRows(withoutErased);
        }
        if (block.token().equals(block.reformedToken())) {
            // The earlier attempt's rows and token: whichever of the two inserts lands second is
            // dropped; sent even if found stored, so views that refused it then receive it now.
            LOG.info("{}: an earlier owner's block, sent again with its token", block);
            return block;
        }
        EventRow first = block.rows().get(0);
        Set<Long> stored = writer.storedOffsets(
                first.topic(),
                block.topicId(),
                block.partition().partition(),
                first.offset(),
                block.rows().get(block.rows().size() - 1).offset());
        List<EventRow> missing = new ArrayList<>();
        for (EventRow row : withoutErased) {
            if (!stored.contains(row.offset())) {
                missing.add(row);
            }
        }
        if (missing.isEmpty()) {
            metrics.duplicatesSkipped.add(block.rows().size());
            LOG.info("{}: an earlier owner's block, found stored: committing it", block);
            return block.withRows(missing);
        }
        Block rest = block.withRows(missing);
        if (!rest.token().equals(block.reformedToken())) {
            // The earlier owner had left out rows stored before (by another group), and part of its
            // attempt is stored: no set of rows here carries its token.
            LOG.warn(
                    "{}: an earlier owner's block cannot be formed again exactly ({} of its rows stored);"
                            + " inserting the {} not found stored",
                    block,
                    stored.size(),
                    missing.size());
        }
        metrics.duplicatesSkipped.add(block.rows().size() - missing.size());
        return rest;
    }

    /**
     * Stores the block, or throws: RETRIABLE (send the same block again) or FATAL; DATA never
     * escapes (refused rows are dead-lettered).
     */
    void store(Block block) throws WriteException {
        inserter.insert(block);
    }
}
