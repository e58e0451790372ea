package io.clickstream.consumer.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatchUpPolicyTest {
    private long now;
    private final List<String> log = new ArrayList<>();

    @Test
    void batchesGrowWhenFarBehindAndShrinkBackOnceCaughtUp() {
        CatchUpPolicy policy = new CatchUpPolicy(1_000, 50_000, () -> now, log::add);
        assertEquals(1_000, policy.update(0, 0), "at the head: the user's batches");
        assertEquals(1_000, policy.update(9_999, 10), "under ten batches behind: still steady");
        assertEquals(50_000, policy.update(1_000_000, 20), "an outage's backlog: large batches");
        assertTrue(
                log.get(0).startsWith("catching up: 1,000,000 records behind; batches of up to 50,000 rows"),
                log.get(0));
        now += 5_000_000_000L;
        assertEquals(50_000, policy.update(5_000, 900_020), "between the thresholds: no flapping");
        assertTrue(policy.catchingUp());
        now += 1_000_000_000L;
        assertEquals(1_000, policy.update(999, 1_000_020), "within one batch of the head: steady again");
        assertFalse(policy.catchingUp());
        assertEquals(
                "caught up: 1,000,000 records consumed in 6.0 s (166,667 records/s; 1,000,000 were behind at the"
                        + " start); batches of up to 1,000 rows again",
                log.get(1));
    }

    @Test
    void catchUpRowsNotAboveTheSteadyBatchDisableIt() {
        CatchUpPolicy policy = new CatchUpPolicy(1_000, 0, () -> now, log::add);
        assertEquals(1_000, policy.update(10_000_000, 0));
        assertFalse(policy.catchingUp());
        assertEquals(List.of(), log);
    }
}
