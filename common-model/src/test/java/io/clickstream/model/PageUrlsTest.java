package io.clickstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What is kept of an address: host and path, nothing that can hold personal data. */
class PageUrlsTest {
    @Test
    void keepsTheHostAndThePathOnly() {
        assertEquals("shop.example.com/cart", PageUrls.hostAndPath("https://Shop.Example.com/cart?email=a@b.c#pay"));
        assertEquals("shop.example.com/", PageUrls.hostAndPath("https://shop.example.com"));
        assertEquals("shop.example.com/a", PageUrls.hostAndPath("http://user:secret@shop.example.com:80/a"));
        assertEquals(
                "shop.example.com:8088/demo", PageUrls.hostAndPath("http://shop.example.com:8088/demo?utm_source=x"));
        assertEquals("shop.example.com/a", PageUrls.hostAndPath("//shop.example.com/a?b"));
        assertEquals("shop.example.com/a/B", PageUrls.hostAndPath("shop.example.com/a/B"), "the path keeps its case");
        assertEquals("localhost:8088/demo", PageUrls.hostAndPath("localhost:8088/demo"));
        assertEquals("shop.example.com/a%20b", PageUrls.hostAndPath("https://shop.example.com/a b"));
    }

    @Test
    void addressesWithoutAHostAreNone() {
        assertNull(PageUrls.hostAndPath(null));
        assertNull(PageUrls.hostAndPath(""));
        assertNull(PageUrls.hostAndPath("about:blank"));
        assertNull(PageUrls.hostAndPath("/cart?x=1"));
        assertNull(PageUrls.hostAndPath("javascript:alert(1)"));
    }

    @Test
    void aLongPathIsCutAtTheLimit() {
        String stored = PageUrls.hostAndPath("https://example.com/" + "a".repeat(10_000) + "?q=1");
        assertEquals(PageUrls.MAX_LENGTH, stored.length());
        assertEquals("example.com/aaa", stored.substring(0, 15));
    }
}
