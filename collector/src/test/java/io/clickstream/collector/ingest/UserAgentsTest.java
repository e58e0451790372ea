package io.clickstream.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real User-Agent strings through the real analyzer, mapped to what we store. */
class UserAgentsTest {
    private static UserAgents agents;

    @BeforeAll
    static void analyzer() {
        agents = new UserAgents();
    }

    @Test
    void desktopBrowsers() {
        assertEquals(
                new UserAgents.Client("desktop", "Chrome", "Windows"),
                agents.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36"));
        assertEquals(
                new UserAgents.Client("desktop", "Safari", "macOS"),
                agents.parse("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                        + " Version/18.1 Safari/605.1.15"));
        assertEquals(
                new UserAgents.Client("desktop", "Firefox", "Linux"),
                agents.parse("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"));
    }

    @Test
    void phonesAndTablets() {
        assertEquals(
                new UserAgents.Client("mobile", "Safari", "iOS"),
                agents.parse("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
                        + " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"));
        assertEquals(
                new UserAgents.Client("mobile", "Chrome", "Android"),
                agents.parse("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Mobile Safari/537.36"));
        assertEquals(
                "tablet",
                agents.parse("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                                + " Version/17.5 Mobile/15E148 Safari/604.1")
                        .device());
    }

    @Test
    void missingOrMeaninglessHeaders() {
        assertEquals(new UserAgents.Client("unknown", "unknown", "unknown"), agents.parse(null));
        assertEquals(new UserAgents.Client("unknown", "unknown", "unknown"), agents.parse("  "));
        UserAgents.Client curl = agents.parse("curl/8.5.0");
        assertEquals("curl", curl.browser().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void crawlersLinkPreviewsHttpLibrariesAndAutomatedBrowsersAreBots() {
        String[] bots = {
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "curl/8.5.0",
            "python-requests/2.31.0",
            "Go-http-client/1.1",
            "Wget/1.21.4",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 14_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0 Mobile/15E148 Safari/604.1 (compatible; AdsBot-Google-Mobile; +http://www.google.com/mobile/adsbot.html)",
            "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
            "axios/1.6.0",
            "Java/17.0.2",
            "Apache-HttpClient/4.5.13 (Java/17.0.2)",
            "PostmanRuntime/7.36.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/537.36",
            "Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
            "Twitterbot/1.0",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Mozilla/5.0 (compatible; Applebot/0.1; +http://www.apple.com/go/applebot)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Screaming Frog SEO Spider/19.0",
            "Mozilla/5.0 (compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
            "Scrapy/2.11.0 (+https://scrapy.org)",
        };
        for (String agent : bots) {
            assertTrue(agents.parse(agent).bot(), agent);
        }
        for (String browser : List.of(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                        + " Version/18.1 Mobile/15E148 Safari/604.1",
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")) {
            assertFalse(agents.parse(browser).bot(), browser);
        }
    }
}
