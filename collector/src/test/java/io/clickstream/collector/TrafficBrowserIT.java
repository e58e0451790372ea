package io.clickstream.collector;

import static io.clickstream.collector.BrowserIT.CHROMEDRIVER;
import static io.clickstream.collector.BrowserIT.CHROMIUM;
import static io.clickstream.collector.BrowserIT.chromium;
import static io.clickstream.collector.BrowserIT.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Where shoppers come from, captured by the tracker in headless Chromium and stored by the
 * collector and consumer jars: a shopper follows a newsletter link from another site into the
 * demo shop (campaign parameters and an e-mail address in the link), opens a second page,
 * logs in ({@code identify}) and adds to the cart with custom properties; a second shopper
 * arrives from an ad (a click id); a crawler and an automated browser visit. Checked in
 * ClickHouse: referrer, channel and campaign stored and kept on the session's next page, the
 * page view id shared by one page's events only, the customer id from the login on, the
 * properties, the bot flags, and neither the e-mail address, the click id's value nor any other
 * query parameter anywhere in the rows.
 */
@ExtendWith(RealServices.class)
class TrafficBrowserIT {
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    /**
     * A person's browser: Chromium without the automation flag (navigator.webdriver) and with a
     * desktop Chrome's User-Agent (headless Chromium says HeadlessChrome: a bot, rightly).
     */
    private static final String[] PERSON = {
        "--disable-blink-features=AutomationControlled",
        "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0"
                + " Safari/537.36"
    };

    @Test
    void campaignsReferrersCustomersPropertiesAndBotsAreStoredAndNothingElseOfTheUrl(
            KafkaService kafka, ClickHouseService clickHouse) throws Exception {
        assertTrue(
                new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "this test needs Chromium and its driver: apt-get install chromium chromium-driver");
        String topic = kafka.createTopic("traffic-browser", 3);
        String database = clickHouse.createDatabase("traffic_browser");
        Path logs = Files.createTempDirectory("traffic-browser-it-");
        int port = freePort();
        String shop = "http://127.0.0.1:" + port;
        String landing = shop + "/demo?utm_source=newsletter&utm_medium=email&utm_campaign=winter-sale"
                + "&email=jane.doe%40example.com&ref=secret-token";
        String adLanding = shop + "/demo?gclid=click-id-value-123&email=jane.doe%40example.com";
        HttpServer referring = referringSite(landing, adLanding);
        String elsewhere = "localhost:" + referring.getAddress().getPort();
        try (JavaProcess collector = JavaProcess.collector(
                        RepositoryLayout.root(),
                        logs.resolve("collector.log"),
                        kafka.bootstrapServers(),
                        topic,
                        port,
                        List.of("--allowed-origins", shop));
                JavaProcess consumer = JavaProcess.consumer(
                        RepositoryLayout.root(),
                        logs.resolve("consumer.log"),
                        kafka.bootstrapServers(),
                        topic,
                        topic,
                        clickHouse.jdbcUrl(database),
                        List.of("--batch-max-wait", "1s", "--http-port", "-1"))) {
            collector.awaitOutput("collecting on", Duration.ofSeconds(120));
            consumer.awaitOutput("assigned [", Duration.ofSeconds(120));

            Map<String, String> shopper = newsletterShopper(elsewhere);
            String adShopper = visit(chromium(PERSON), "http://" + elsewhere + "/#ad", "ad-link");
            String crawler = visit(chromium(PERSON[0], "--user-agent=" + GOOGLEBOT), landing, null);
            String automated = visit(chromium(PERSON[1]), landing, null); // a browser's agent, navigator.webdriver set

            List<Map<String, String>> rows = awaitRows(clickHouse, database, shopper.get("user"), 5, consumer);
            for (Map<String, String> row : rows) {
                assertEquals("newsletter|email|winter-sale||", campaign(row), "the session's campaign on every page");
                assertEquals("email", row.get("channel"), "the campaign's medium decides");
                assertEquals("false", row.get("is_bot"));
                assertEquals("false", row.get("paid_click"));
                assertTrue(row.get("page").startsWith("127.0.0.1:" + port + "/demo"), row.toString());
                assertEquals("Clickstream demo shop", row.get("page_title"));
            }
            Map<String, String> first = rows.get(0);
            assertEquals(elsewhere + "/", first.get("referrer"), "the referring page, host and path");
            Map<String, String> secondPage = rows.get(rows.size() - 1);
            assertEquals("127.0.0.1:" + port + "/demo", secondPage.get("referrer"), "the shop's own first page");
            assertEquals(shopper.get("firstPageView"), first.get("page_view_id"));
            assertEquals(shopper.get("secondPageView"), secondPage.get("page_view_id"));
            assertNotEquals(first.get("page_view_id"), secondPage.get("page_view_id"), "one id per page view");
            assertEquals(
                    List.of("", "", "", "customer-42", "customer-42"),
                    rows.stream().map(r -> r.get("customer_id")).toList(),
                    "the customer id from the login on");
            assertEquals(
                    "{\"coupon\":\"WINTER\",\"gift\":\"true\",\"size\":\"42\"}",
                    rows.stream()
                            .filter(r -> r.get("event_type").equals("add_to_cart"))
                            .findFirst()
                            .orElseThrow()
                            .get("properties"),
                    "custom properties, as text");

            Map<String, String> ad =
                    awaitRows(clickHouse, database, adShopper, 1, consumer).get(0);
            assertEquals("true", ad.get("paid_click"));
            assertEquals("google||||", campaign(ad), "the click id names its network; its value is not kept");
            assertEquals("paid_search", ad.get("channel"));

            assertEquals(
                    "true",
                    awaitRows(clickHouse, database, crawler, 1, consumer).get(0).get("is_bot"));
            assertEquals(
                    "true",
                    awaitRows(clickHouse, database, automated, 1, consumer)
                            .get(0)
                            .get("is_bot"));

            CommittedOffsets.awaitCaughtUp(kafka, topic, topic, Await.HANG, consumer::tail);
            String everything = clickHouse.query("SELECT * FROM " + database + ".events FORMAT TSV");
            for (String secret : List.of("jane", "secret-token", "click-id-value-123", "gclid", "%40")) {
                assertFalse(everything.contains(secret), "'" + secret + "' stored:\n" + everything);
            }
        } finally {
            referring.stop(0);
        }
    }

    /**
     * Follows the newsletter link, opens the demo a second time (the session's next page), logs in
     * and adds to the cart with custom properties; returns the user id and both page views' ids.
     */
    private static Map<String, String> newsletterShopper(String elsewhere) throws Exception {
        WebDriver browser = chromium(PERSON);
        try {
            browser.get("http://" + elsewhere + "/");
            browser.findElement(By.id("newsletter-link")).click();
            WebDriverWait wait = new WebDriverWait(browser, Await.HANG);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("view-demo-sneakers")));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            String user = (String) js.executeScript("return clickstream.userId()");
            String firstPageView = (String) js.executeScript("return clickstream.pageViewId()");
            browser.findElement(By.id("view-demo-sneakers")).click();
            js.executeScript("clickstream.flush()");
            awaitSent(js);
            String current = browser.getCurrentUrl();
            // The next page, from a link of the shop itself (a script's navigation sends the referrer as a click does).
            js.executeScript("window.location.href = arguments[0]", current.substring(0, current.indexOf('?')));
            Await.untilTrue(
                    "the second page loaded",
                    Await.HANG,
                    () -> !firstPageView.equals(js.executeScript(
                            "return window.clickstream ? clickstream.pageViewId() : arguments[0]", firstPageView)));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("view-demo-sneakers")));
            String secondPageView = (String) js.executeScript("return clickstream.pageViewId()");
            js.executeScript("clickstream.identify('customer-42');"
                    + "clickstream.addToCart({product_id: 'demo-sneakers', price: 89.9,"
                    + " properties: {coupon: 'WINTER', size: 42, gift: true}});"
                    + "clickstream.pageView({product_id: 'demo-watch'}); clickstream.flush();");
            awaitSent(js);
            return Map.of("user", user, "firstPageView", firstPageView, "secondPageView", secondPageView);
        } finally {
            browser.quit();
        }
    }

    /** Opens {@code url} (and clicks {@code link}, if given), waits until the page view is sent; returns the user id. */
    private static String visit(WebDriver browser, String url, String link) throws InterruptedException {
        try {
            browser.get(url);
            if (link != null) {
                browser.findElement(By.id(link)).click();
            }
            new WebDriverWait(browser, Await.HANG)
                    .until(ExpectedConditions.elementToBeClickable(By.id("view-demo-sneakers")));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            js.executeScript("clickstream.flush()");
            awaitSent(js);
            return (String) js.executeScript("return clickstream.userId()");
        } finally {
            browser.quit();
        }
    }

    private static void awaitSent(JavascriptExecutor js) throws InterruptedException {
        Await.untilTrue(
                "the tracker sent everything",
                Await.HANG,
                () -> ((Number) js.executeScript("return clickstream.queued()")).intValue() == 0);
    }

    private static String campaign(Map<String, String> row) {
        return String.join(
                "|",
                row.get("utm_source"),
                row.get("utm_medium"),
                row.get("utm_campaign"),
                row.get("utm_term"),
                row.get("utm_content"));
    }

    /** Another site, linking to the shop: a newsletter's link and an ad's. */
    private static HttpServer referringSite(String newsletterLink, String adLink) throws IOException {
        return BrowserIT.serve(("<!doctype html><title>a newsletter</title>"
                        + "<a id=\"newsletter-link\" href=\"" + newsletterLink.replace("&", "&amp;")
                        + "\">winter sale</a>"
                        + "<a id=\"ad-link\" href=\"" + adLink.replace("&", "&amp;") + "\">an ad</a>")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static List<Map<String, String>> awaitRows(
            ClickHouseService clickHouse, String database, String userId, int expected, JavaProcess consumer)
            throws InterruptedException {
        String sql =
                "SELECT event_type, page, page_title, referrer, page_view_id, utm_source, utm_medium, utm_campaign,"
                        + " utm_term, utm_content, toString(paid_click) AS paid_click, channel, toString(is_bot) AS is_bot,"
                        + " country, customer_id, toJSONString(properties) AS properties FROM " + database
                        + ".events WHERE user_id = '" + userId.replace("'", "") + "' ORDER BY timestamp, event_type";
        Await.until(
                expected + " events of " + userId,
                Await.HANG,
                () -> clickHouse.queryRows(sql),
                rows -> rows.size() >= expected,
                consumer::tail);
        return clickHouse.queryRows(sql);
    }
}
