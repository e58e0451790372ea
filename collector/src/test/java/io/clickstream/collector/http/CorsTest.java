package io.clickstream.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CorsTest {
    private final Cors cors = Cors.parse("https://shop.example.com, http://localhost:8088");

    @Test
    void listedOriginsAreAllowedWhateverTheirCase() {
        assertTrue(cors.allows("https://shop.example.com"));
        assertTrue(cors.allows("HTTPS://Shop.Example.com"));
        assertTrue(cors.allows("http://localhost:8088"));
    }

    @Test
    void otherOriginsAreRefused() {
        assertFalse(cors.allows("https://evil.example.com"));
        assertFalse(cors.allows("http://shop.example.com"), "another scheme is another origin");
        assertFalse(cors.allows("https://shop.example.com:8443"), "another port is another origin");
        assertFalse(cors.allows("https://shop.example.com.evil.com"));
        assertFalse(cors.allows("null"), "sandboxed pages and file:// send Origin: null");
        assertFalse(cors.allows("not a url at all"));
    }

    @Test
    void requestsWithoutAnOriginAreNotCorsRequests() {
        assertTrue(cors.allows(null));
    }

    @Test
    void starAllowsAny() {
        assertTrue(Cors.parse("*").allows("https://anything.example"));
    }

    @Test
    void entriesThatAreNotOriginsAreRefusedWithTheirName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Cors.parse("https://shop.example.com/cart"));
        assertTrue(e.getMessage().contains("'https://shop.example.com/cart' is not an origin"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cors.parse("shop.example.com"));
        assertThrows(IllegalArgumentException.class, () -> Cors.parse("ftp://shop.example.com"));
        assertEquals(
                "no origin given (use * to allow any)",
                assertThrows(IllegalArgumentException.class, () -> Cors.parse(" , "))
                        .getMessage());
    }
}
