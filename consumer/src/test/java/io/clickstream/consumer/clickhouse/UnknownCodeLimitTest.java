package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnknownCodeLimitTest {
    private static WriteException retriable(int code) {
        return new WriteException(WriteException.Kind.RETRIABLE, code, "code " + code, null);
    }

    @Test
    void theSameUnknownCodeInARowReachesTheLimit() {
        UnknownCodeLimit limit = new UnknownCodeLimit(3);
        assertFalse(limit.reached(retriable(12345)));
        assertFalse(limit.reached(retriable(12345)));
        assertTrue(limit.reached(retriable(12345)));
    }

    @Test
    void knownCodesNoAnswerAndSuccessStartTheCountAgain() {
        UnknownCodeLimit limit = new UnknownCodeLimit(3);
        assertFalse(limit.reached(retriable(12345)));
        assertFalse(limit.reached(retriable(12345)));
        assertFalse(limit.reached(retriable(0)), "no answer (a timeout) says nothing about the code");
        assertFalse(limit.reached(retriable(12345)));
        assertFalse(limit.reached(retriable(12345)));
        limit.succeeded();
        assertFalse(limit.reached(retriable(12345)));
        assertFalse(limit.reached(retriable(54321)), "another unknown code starts its own count");
        assertFalse(limit.reached(retriable(54321)));
        assertFalse(limit.reached(retriable(252)), "TOO_MANY_PARTS is known: retried for as long as it lasts");
        for (int i = 0; i < 100; i++) {
            assertFalse(limit.reached(retriable(252)));
        }
    }
}
