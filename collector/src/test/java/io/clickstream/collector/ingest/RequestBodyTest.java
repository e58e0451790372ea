package io.clickstream.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
    private static List<RequestBody.Part> split(String type, String body) throws RequestRejectedException {
        return RequestBody.split(type, body.getBytes(StandardCharsets.UTF_8), 10);
    }

    private static int status(String type, byte[] body) {
        return assertThrows(RequestRejectedException.class, () -> RequestBody.split(type, body, 10))
                .status();
    }

    @Test
    void oneObjectAnArrayOrNdjson() throws Exception {
        assertEquals(1, split("application/json", "{\"a\":1}").size());
        assertEquals(
                1, split("application/json", "{\n  \"a\": 1,\n  \"b\": 2\n}\n").size(), "pretty-printed");
        assertEquals(
                3,
                split("application/json; charset=utf-8", "[{\"a\":1},{\"a\":2},{\"a\":3}]")
                        .size());
        assertEquals(
                2, split("application/x-ndjson", "{\"a\":1}\n\n{\"a\":2}\n").size());
        assertEquals(
                2, split("text/plain;charset=UTF-8", "{\"a\":1}\r\n{\"a\":2}").size(), "sendBeacon's type");
    }

    @Test
    void aMalformedNdjsonLineIsThatEventsProblemOnly() throws Exception {
        List<RequestBody.Part> parts = split("text/plain", "{\"a\":1}\n{\"a\":\n{\"a\":3}");
        assertEquals(3, parts.size());
        assertNotNull(parts.get(0).value());
        assertTrue(
                parts.get(1).malformed().startsWith("malformed JSON"),
                parts.get(1).malformed());
        assertNull(parts.get(1).value());
        assertNotNull(parts.get(2).value());
    }

    @Test
    void bodiesThatCannotBeSplitAreRefusedWithTheirStatus() {
        byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
        assertEquals(415, status(null, ok));
        assertEquals(415, status("application/xml", ok));
        assertEquals(415, status("multipart/form-data; boundary=x", ok));
        assertEquals(415, status("application/json; charset=iso-8859-1", ok));
        assertEquals(400, status("application/json", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
        assertEquals(400, status("application/json", "   ".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, status("application/json", "[{\"a\":1},".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, status("application/json", "[{\"a\":1}] x".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, status("application/json", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]".getBytes()));
    }

    @Test
    void moreEventsThanTheLimitAreRefusedAsAWhole() {
        String array = "[" + "{},".repeat(10) + "{}]";
        assertEquals(413, status("application/json", array.getBytes(StandardCharsets.UTF_8)));
        assertEquals(413, status("text/plain", "{\"a\":1}\n".repeat(11).getBytes(StandardCharsets.UTF_8)));
    }
}
