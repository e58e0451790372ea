package io.clickstream.consumer.replay;

import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.replay.ReplayStore.ReplayException;
import io.clickstream.consumer.replay.ReplayStore.Replayed;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Re-publishes stored dead letters to the events topic, once each: after a fix (a constraint
 * dropped, a column widened, a consumer that accepts what it refused), the same payloads are
 * consumed again. Page by page in source-coordinate order:
 * <ul>
 *   <li>a letter whose payload the table kept only in part is skipped (the topic has it whole);</li>
 *   <li>one that is still not a valid event is skipped and reported with its reason: sending it
 *       would only make a new dead letter;</li>
 *   <li>one whose event is already in {@code events} (sent by an earlier run that stopped before
 *       recording it) is recorded as done without sending;</li>
 *   <li>the rest are sent with their original key, acknowledged by Kafka, then recorded in
 *       {@code dead_letter_replays}, which every later run leaves out.</li>
 * </ul>
 * Skipped letters are not recorded: a later run, after a further fix, may still replay them.
 */
final class DeadLetterReplay {
    static final List<String> REASON_CLASSES = Stream.concat(
                    Stream.of(InvalidEventException.Kind.values()).map(InvalidEventException.Kind::label),
                    Stream.of(DeadLetter.REJECTED_BY_CLICKHOUSE))
            .toList();
    static final int PAGE_SIZE = 500;
    private static final int EXAMPLES = 10;

    /** Sends payloads to the events topic and waits for Kafka's acknowledgement of each. */
    interface Publisher {
        /** @return per letter, in order: where its copy went, or null if Kafka did not acknowledge it */
        List<Sent> send(List<StoredDeadLetter> letters);

        record Sent(String topic, int partition, long offset) {}
    }

    /** What a run did, or would do ({@code dryRun}). */
    record Summary(
            boolean dryRun,
            Map<String, Long> replayedByClass,
            long alreadyStored,
            long stillInvalid,
            long truncated,
            long failed,
            List<String> examples) {
        long replayed() {
            return replayedByClass.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return String.format(
                    "%s %,d dead letters %s; %,d already stored (recorded, not sent); skipped: %,d still invalid,"
                            + " %,d with a truncated payload%s",
                    dryRun ? "would replay" : "replayed",
                    replayed(),
                    replayedByClass,
                    alreadyStored,
                    stillInvalid,
                    truncated,
                    failed == 0 ? "" : "; " + failed + " not acknowledged by Kafka");
        }
    }

    private final ReplayStore store;
    private final Publisher publisher;
    private final EventCodec codec;
    private final Consumer<String> log;

    DeadLetterReplay(ReplayStore store, Publisher publisher, EventCodec codec, Consumer<String> log) {
        this.store = store;
        this.publisher = publisher;
        this.codec = codec;
        this.log = log;
    }

    Summary run(List<String> reasonClasses, Instant since, boolean dryRun) throws ReplayException {
        Map<String, Long> replayed = new TreeMap<>();
        long alreadyStored = 0;
        long stillInvalid = 0;
        long truncated = 0;
        long failed = 0;
        List<String> examples = new ArrayList<>();
        StoredDeadLetter after = null;
        for (List<StoredDeadLetter> page; !(page = store.page(reasonClasses, since, after, PAGE_SIZE)).isEmpty(); ) {
            after = page.get(page.size() - 1);
            List<StoredDeadLetter> candidates = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (StoredDeadLetter letter : page) {
                if (letter.truncated()) {
                    truncated++;
                    example(
                            examples,
                            letter,
                            "skipped: only " + letter.payload().length + " of " + letter.payloadBytes()
                                    + " payload bytes stored (the dead-letter topic has it whole)");
                    continue;
                }
                try {
                    ClickEvent event = codec.decode(letter.payload());
                    candidates.add(letter);
                    ids.add(event.eventId());
                } catch (InvalidEventException e) {
                    stillInvalid++;
                    example(examples, letter, "skipped, still invalid: " + e.getMessage());
                }
            }
            Set<UUID> stored = store.storedEventIds(ids);
            List<Replayed> done = new ArrayList<>();
            List<StoredDeadLetter> toSend = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                if (stored.contains(ids.get(i))) {
                    alreadyStored++;
                    done.add(new Replayed(candidates.get(i), "", 0, 0));
                } else {
                    toSend.add(candidates.get(i));
                    example(examples, candidates.get(i), dryRun ? "would replay" : "replayed");
                }
            }
            if (dryRun) {
                toSend.forEach(l -> replayed.merge(l.reasonClass(), 1L, Long::sum));
                continue;
            }
            List<Publisher.Sent> sent = publisher.send(toSend);
            for (int i = 0; i < toSend.size(); i++) {
                Publisher.Sent copy = sent.get(i);
                if (copy == null) {
                    failed++;
                } else {
                    done.add(new Replayed(toSend.get(i), copy.topic(), copy.partition(), copy.offset()));
                    replayed.merge(toSend.get(i).reasonClass(), 1L, Long::sum);
                }
            }
            store.markReplayed(done); // what Kafka acknowledged is recorded before anything else is sent
            log.accept(String.format(
                    "replayed %,d so far (%,d already stored, %,d skipped)",
                    replayed.values().stream().mapToLong(Long::longValue).sum(),
                    alreadyStored,
                    stillInvalid + truncated));
            if (failed > 0) {
                break; // Kafka refuses: stop, so the run's summary says so at once
            }
        }
        return new Summary(dryRun, replayed, alreadyStored, stillInvalid, truncated, failed, examples);
    }

    private static void example(List<String> examples, StoredDeadLetter letter, String what) {
        if (examples.size() < EXAMPLES) {
            String payload =
                    new String(letter.payload(), 0, Math.min(120, letter.payload().length), StandardCharsets.UTF_8);
            examples.add(letter.coordinates() + " [" + letter.reasonClass() + "] " + what + " | was: " + letter.reason()
                    + " | payload: " + payload.replaceAll("\\p{Cntrl}", "?"));
        }
    }
}
