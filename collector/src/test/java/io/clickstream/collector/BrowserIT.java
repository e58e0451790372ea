package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.clickstream.collector.ingest.UserAgents;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.BrokerProcess;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TopicContents;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (headless Chromium, Debian packages chromium and chromium-driver) shops on the
 * demo page served by the collector jar; the consumer jar stores what the tracker sent; the test
 * finds exactly those events in ClickHouse, in one session, with the browser parsed from the
 * browser's own User-Agent.
 */
@ExtendWith(RealServices.class)
class BrowserIT {
    static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getenv().getOrDefault("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver");
    private static final long RETRY_BASE_MS = 50;

    @Test
    void eventsFromClicksInTheDemoShopReachClickHouse(KafkaService kafka, ClickHouseService clickHouse)
            throws Exception {
        assertTrue(
                new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "this test needs Chromium and its driver: apt-get install chromium chromium-driver"
                        + " (or set CHROMIUM_BINARY and CHROMEDRIVER_BINARY)");
        String topic = kafka.createTopic("browser", 3);
        String database = clickHouse.createDatabase("browser");
        Path repo = RepositoryLayout.root();
        Path logs = Files.createTempDirectory("browser-it-");
        int port = freePort();
        String site = "http://127.0.0.1:" + port;
        try (JavaProcess collector = JavaProcess.collector(
                        repo,
                        logs.resolve("collector.log"),
                        kafka.bootstrapServers(),
                        topic,
                        port,
                        List.of("--allowed-origins", site));
                JavaProcess consumer = JavaProcess.consumer(
                        repo,
                        logs.resolve("consumer.log"),
                        kafka.bootstrapServers(),
                        topic,
                        topic,
                        clickHouse.jdbcUrl(database),
                        List.of("--batch-max-wait", "1s", "--http-port", "-1"))) {
            collector.awaitOutput("collecting on", Duration.ofSeconds(120));
            consumer.awaitOutput("assigned [", Duration.ofSeconds(120));
            WebDriver browser = chromium();
            String userId;
            String userAgent;
            try {
                browser.get(site + "/demo");
                WebDriverWait wait = new WebDriverWait(browser, Await.HANG);
                wait.until(ExpectedConditions.elementToBeClickable(By.id("view-demo-sneakers")));
                JavascriptExecutor js = (JavascriptExecutor) browser;
                userId = (String) js.executeScript("return clickstream.userId()");
                userAgent = (String) js.executeScript("return navigator.userAgent");
                click(browser, "view-demo-sneakers");
                click(browser, "add-demo-sneakers");
                click(browser, "view-demo-watch");
                click(browser, "add-demo-watch");
                click(browser, "remove-0"); // the sneakers
                click(browser, "checkout"); // the watch
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Thank you"));
                browser.get("about:blank"); // leaving the page: anything queued goes by sendBeacon
            } finally {
                browser.quit();
            }

            List<Map<String, String>> rows = awaitRows(clickHouse, database, userId, 7, consumer, kafka, topic, topic);
            assertEquals(
                    List.of(
                            "page_view page:demo-home",
                            "page_view demo-sneakers",
                            "add_to_cart demo-sneakers",
                            "page_view demo-watch",
                            "add_to_cart demo-watch",
                            "remove_from_cart demo-sneakers",
                            "purchase demo-watch"),
                    rows.stream()
                            .map(r -> r.get("event_type") + " " + r.get("product_id"))
                            .toList());
            assertEquals(
                    1, rows.stream().map(r -> r.get("session_id")).distinct().count(), "one session");
            assertTrue(rows.get(0).get("session_id").startsWith("s-"));
            UserAgents.Client expected = new UserAgents().parse(userAgent);
            for (Map<String, String> row : rows) {
                assertEquals(expected.browser(), row.get("browser"), userAgent);
                assertEquals(expected.os(), row.get("os"));
                assertEquals(expected.device(), row.get("device"));
            }
            assertTrue(expected.browser().contains("Chrom"), "parsed from the real UA: " + expected);
            assertEquals("129.5", rows.get(6).get("price"));
            assertTrue(rows.get(6).get("order_id").startsWith("order-"), "the checkout's order: " + rows.get(6));
            assertEquals(
                    1, rows.stream().filter(r -> !r.get("order_id").isEmpty()).count(), "only the purchase");
        }
    }

    /**
     * A page on an origin the collector refuses: the browser reports each refusal as a network
     * error, which the tracker cannot tell from an outage, so it retries with exponential backoff
     * and gives up after its attempts (8 by default) instead of sending forever. The retry base is
     * lowered on the page ({@code data-retry-base-ms}) so the whole backoff passes in seconds. The
     * page records when the tracker called {@code fetch}: each wait is at least the lower end of
     * its jittered backoff (half of base * 2^(failures - 1)), a bound busy cores cannot break.
     */
    @Test
    void aPageOnARefusedOriginGivesUpAfterItsAttempts(KafkaService kafka) throws Exception {
        assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(), "needs Chromium");
        String topic = kafka.createTopic("browser-refused", 1);
        Path logs = Files.createTempDirectory("browser-it-");
        int port = freePort();
        String collectorUrl = "http://127.0.0.1:" + port;
        HttpServer page = page(collectorUrl, RETRY_BASE_MS);
        try (JavaProcess collector = JavaProcess.collector(
                RepositoryLayout.root(),
                logs.resolve("collector.log"),
                kafka.bootstrapServers(),
                topic,
                port,
                List.of("--allowed-origins", "https://shop.example.com"))) {
            collector.awaitOutput("collecting on", Duration.ofSeconds(120));
            WebDriver browser = chromium();
            List<Send> sends;
            try {
                browser.get("http://localhost:" + page.getAddress().getPort() + "/"); // another origin
                JavascriptExecutor js = (JavascriptExecutor) browser;
                Await.untilTrue(
                        "the tracker gave up",
                        Await.HANG,
                        () -> ((Number) js.executeScript("return window.clickstream ? clickstream.queued() : -1"))
                                        .intValue()
                                == 0);
                sends = sends(js);
            } finally {
                browser.quit();
            }
            assertEquals(8, refusals(collectorUrl), "one page view, sent 8 times, then dropped");
            assertEquals(8, sends.size(), "the page's own count of its requests: " + sends);
            for (int i = 1; i < sends.size(); i++) {
                long atLeast = RETRY_BASE_MS * (1L << (i - 1)) / 2;
                long waited = sends.get(i).at() - sends.get(i - 1).at();
                assertTrue(
                        waited >= atLeast - 1,
                        "attempt " + (i + 1) + " after " + waited + " ms, not backing off: " + sends);
                assertEquals(0, sends.get(i - 1).status(), "the browser reports a refused origin as a network error");
            }
        } finally {
            page.stop(0);
        }
    }

    /**
     * A Kafka outage seen from a page: the collector answers 503 with {@code Retry-After: 5}, the
     * tracker waits those 5 s between attempts (its own backoff, 50 ms here, would have spent all
     * 8 attempts in about 6 s), keeps the event, and delivers it once the broker answers again:
     * exactly once on the topic. The waits are checked as lower bounds, in the page's own clock.
     */
    @Test
    void aPageHonoursRetryAfterWhileKafkaIsDownAndDeliversAfter(@TempDir Path dir) throws Exception {
        assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(), "needs Chromium");
        int port = freePort();
        String collectorUrl = "http://127.0.0.1:" + port;
        HttpServer page = page(collectorUrl, RETRY_BASE_MS);
        String site = "http://localhost:" + page.getAddress().getPort();
        try (BrokerProcess broker = BrokerProcess.start(dir)) {
            String topic = broker.kafka.createTopic("browser-outage", 1);
            JavaProcess collector = JavaProcess.collector(
                    RepositoryLayout.root(),
                    dir.resolve("collector.log"),
                    broker.kafka.bootstrapServers(),
                    topic,
                    port,
                    List.of("--allowed-origins", site));
            try (collector) {
                collector.awaitOutput("collecting on", Duration.ofSeconds(120));
                broker.process.suspend();
                WebDriver browser = chromium();
                List<Send> sends;
                String userId;
                try {
                    Await.untilTrue("/health reports Kafka down", Await.HANG, () -> health(collectorUrl) == 503);
                    browser.get(site + "/");
                    JavascriptExecutor js = (JavascriptExecutor) browser;
                    Await.untilTrue(
                            "three attempts answered 503",
                            Await.HANG,
                            () -> sends(js).stream()
                                            .filter(s -> s.status() == 503)
                                            .count()
                                    >= 3);
                    broker.process.resume();
                    Await.untilTrue(
                            "the page view delivered",
                            Await.HANG,
                            () -> ((Number) js.executeScript("return clickstream.queued()")).intValue() == 0);
                    userId = (String) js.executeScript("return clickstream.userId()");
                    sends = sends(js);
                } finally {
                    broker.process.resume();
                    browser.quit();
                }
                assertEquals(202, sends.get(sends.size() - 1).status(), "delivered in the end: " + sends);
                assertTrue(sends.size() <= 8, "within its attempts: " + sends);
                for (int i = 1; i < sends.size(); i++) {
                    assertEquals(503, sends.get(i - 1).status(), "every attempt before the last: " + sends);
                    long waited = sends.get(i).at() - sends.get(i - 1).at();
                    assertTrue(
                            waited >= 5_000 - 1,
                            "attempt " + (i + 1) + " after " + waited + " ms, before Retry-After's 5 s: " + sends);
                }
                List<String> onTopic = TopicContents.readAll(broker.kafka.bootstrapServers(), topic).stream()
                        .map(ConsumerRecord::key)
                        .filter(userId::equals)
                        .toList();
                assertEquals(1, onTopic.size(), "the page view once on the topic");
            }
        } finally {
            page.stop(0);
        }
    }

    /** One request of the tracker as the page saw it: when it called fetch, and the status (0: network error). */
    record Send(long at, int status) {}

    @SuppressWarnings("unchecked")
    private static List<Send> sends(JavascriptExecutor js) {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) js.executeScript("return window.sends || []");
        return raw.stream()
                .filter(s -> s.get("status") != null) // answered
                .map(s -> new Send(((Number) s.get("at")).longValue(), ((Number) s.get("status")).intValue()))
                .toList();
    }

    /**
     * A page of another site that loads the collector's tracker with a lowered retry base, and
     * records each of the tracker's requests (when it was made, how it was answered) in
     * {@code window.sends}.
     */
    private static HttpServer page(String collectorUrl, long retryBaseMs) throws IOException {
        byte[] html = ("<!doctype html><title>elsewhere</title><script>"
                        + "window.sends = []; var realFetch = window.fetch;"
                        + "window.fetch = function () { var s = {at: Date.now(), status: null}; window.sends.push(s);"
                        + " return realFetch.apply(this, arguments).then("
                        + "function (r) { s.status = r.status; return r; }, function (e) { s.status = 0; throw e; }); };"
                        + "</script><script src=\"" + collectorUrl + "/tracker.js\" data-retry-base-ms=\""
                        + retryBaseMs + "\"></script>")
                .getBytes(StandardCharsets.UTF_8);
        return serve(html);
    }

    /** A site on a free port of 127.0.0.1 that answers every path with {@code html}. */
    static HttpServer serve(byte[] html) throws IOException {
        HttpServer page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            try (exchange) {
                exchange.getResponseBody().write(html);
            }
        });
        page.start();
        return page;
    }

    private static int health(String collectorUrl) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) URI.create(collectorUrl + "/health").toURL().openConnection();
        connection.setReadTimeout((int) Await.HANG.toMillis());
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** How many requests the collector answered 403, from its metrics. */
    private static long refusals(String collectorUrl) throws Exception {
        String metrics = new String(
                URI.create(collectorUrl + "/metrics").toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
        return metrics.lines()
                .filter(line -> line.startsWith("clickstream_collector_responses_total{status=\"403\"}"))
                .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    static WebDriver chromium(String... arguments) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void click(WebDriver browser, String id) throws InterruptedException {
        browser.findElement(By.id(id)).click();
        Thread.sleep(150); // a person's pace: events get distinct milliseconds
    }

    private static List<Map<String, String>> awaitRows(
            ClickHouseService clickHouse,
            String database,
            String userId,
            int expected,
            JavaProcess consumer,
            KafkaService kafka,
            String topic,
            String group)
            throws InterruptedException {
        String sql =
                "SELECT event_type, product_id, toString(price) AS price, session_id, browser, os, device, order_id"
                        + " FROM " + database + ".events WHERE user_id = '" + userId.replace("'", "") + "'"
                        + " ORDER BY timestamp, event_type";
        Await.until(
                expected + " events of " + userId,
                Await.HANG,
                () -> clickHouse.queryRows(sql),
                rows -> rows.size() >= expected,
                consumer::tail);
        // Everything the collector published is stored and committed: nothing more will arrive.
        CommittedOffsets.awaitCaughtUp(kafka, group, topic, Await.HANG, consumer::tail);
        return clickHouse.queryRows(sql);
    }
}
