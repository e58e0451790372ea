/*
 * Clickstream tracker: records shop events in this page and sends them to the collector.
 *
 *   <script src="http://COLLECTOR/tracker.js"></script>
 *   <script>
 *     clickstream.pageView({product_id: "p-42", category: "shoes", price: 59.9});
 *     clickstream.addToCart({product_id: "p-42", category: "shoes", price: 59.9});
 *     clickstream.removeFromCart({...});
 *     clickstream.purchase({product_id: "p-42", price: 59.9, order_id: "A-1001"}); // each item of the order
 *   </script>
 *
 * A page view is sent on load (product from <meta name="clickstream:product" content="..."> or
 * "page:" + the path). Ids: an anonymous user id kept in localStorage, and a session id that
 * survives page loads and is replaced after 30 minutes without events. Events are batched (up to
 * 1 s or 50 events) and sent as NDJSON text, with navigator.sendBeacon when the page is hidden
 * or closed. A batch the collector did not acknowledge (a network error, which is also how a
 * browser reports a refused origin, or 408, 429, 5xx) is sent again later with the same event
 * ids: after Retry-After if the answer has one, else after a backoff (1 s doubling to 60 s, with
 * jitter), at most 8 attempts per event (data-max-attempts), then dropped with one console
 * warning. A batch refused for what it is (another 4xx) is dropped at once, also with one
 * warning. Events not acknowledged when the page is left are kept in localStorage (at most
 * 1,000) and sent by the next page of the site. No dependencies; no cookies.
 *
 * Where the events come from (docs/collector.md, "What is stored"): every event carries the page
 * (host and path, never the query string or the fragment), its title (data-page-title="false"
 * leaves titles out), the referrer (host and path), and an id shared by the events of one page
 * view. The session's campaign is read from the landing page of the session and kept for the
 * session: utm_source, utm_medium, utm_campaign, utm_term, utm_content, and whether an ad click id
 * (gclid, fbclid, msclkid, ...) was there, whose value is never read further; a click id without a
 * utm_source names its network as the source (gclid: google). Other query parameters are never
 * read. clickstream.identify("customer-42") ties this browser's anonymous id to a customer of the
 * shop: every later event carries customer_id, until identify(null). Any call takes custom
 * properties: {properties: {coupon: "WINTER", size: 42}} (flat; limits in docs/collector.md). An
 * automated browser (navigator.webdriver) marks its events as a bot's.
 */
(function (window, document) {
  "use strict";
  if (window.clickstream && window.clickstream.version) {
    return; // loaded twice
  }
  var SESSION_IDLE_MS = 30 * 60 * 1000;
  var FLUSH_DELAY_MS = 1000;
  var MAX_BATCH = 50;
  var MAX_QUEUE = 1000;
  var RETRY_MAX_MS = 60000;
  var USER_KEY = "clickstream.user";
  var SESSION_KEY = "clickstream.session";
  var QUEUE_KEY = "clickstream.queue";
  var CUSTOMER_KEY = "clickstream.customer";
  var MAX_ADDRESS = 1024;
  var MAX_TEXT = 256;
  var CAMPAIGN = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  /** Ad click ids, and the network each names when the link has no utm_source. */
  var CLICK_IDS = {
    gclid: "google", gbraid: "google", wbraid: "google", dclid: "google", msclkid: "bing",
    fbclid: "facebook", ttclid: "tiktok", li_fat_id: "linkedin", twclid: "twitter", yclid: "yandex",
    rdt_cid: "reddit", ScCid: "snapchat", epik: "pinterest"
  };

  var script = document.currentScript;
  function setting(name, fallback) {
    var value = script && Number(script.getAttribute(name));
    return value > 0 ? value : fallback;
  }
  var collector = (script && script.getAttribute("data-collector")) ||
      (script && script.src ? new URL(script.src, window.location.href).origin : window.location.origin);
  var RETRY_BASE_MS = setting("data-retry-base-ms", 1000);
  var MAX_ATTEMPTS = setting("data-max-attempts", 8);
  var TITLES = !script || script.getAttribute("data-page-title") !== "false";

  /** Host and path of an address; null if it has none. The query string and fragment are never kept. */
  function hostAndPath(address) {
    if (!address) {
      return null;
    }
    try {
      var url = new URL(address, window.location.href);
      if (!url.host) {
        return null;
      }
      return (url.host + url.pathname).slice(0, MAX_ADDRESS);
    } catch (e) {
      return null;
    }
  }
  var PAGE_VIEW_ID = uuid();
  var PAGE = hostAndPath(window.location.href);
  var REFERRER = hostAndPath(document.referrer);

  var memory = {};
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function userId() {
    var id = load(USER_KEY);
    if (!id) {
      id = "anon-" + uuid();
      save(USER_KEY, id);
    }
    return id;
  }

  /** The campaign of a session starting on this page: its utm_* parameters and whether an ad click id is there. */
  function landingCampaign() {
    var campaign = {};
    var params;
    try { params = new URL(window.location.href).searchParams; } catch (e) { return campaign; }
    CAMPAIGN.forEach(function (name) {
      var value = params.get(name);
      if (value) {
        campaign[name] = value.slice(0, MAX_TEXT);
      }
    });
    Object.keys(CLICK_IDS).forEach(function (name) {
      if (params.has(name)) {
        campaign.paid_click = true;
        if (!campaign.utm_source) {
          campaign.utm_source = CLICK_IDS[name];
        }
      }
    });
    return campaign;
  }

  /** The session of an event at `now`: the current one, or a new one after 30 minutes idle, with its campaign. */
  function session(now) {
    var current = null;
    try { current = JSON.parse(load(SESSION_KEY)); } catch (e) { current = null; }
    if (!current || !current.id || now - current.last > SESSION_IDLE_MS) {
      current = { id: "s-" + uuid(), campaign: landingCampaign() };
    }
    current.last = now;
    save(SESSION_KEY, JSON.stringify(current));
    return current;
  }

  function sessionId(now) {
    return session(now).id;
  }

  function customerId() {
    return load(CUSTOMER_KEY) || undefined;
  }

  /** Queued events, oldest first, each with how often it was sent: {e: event, n: attempts}. */
  var queue = claimStored();
  var timer = null;
  var failures = 0;
  var sending = 0; // events of the request in flight
  var warned = {};

  /** Events an earlier page of this site left unsent: taken over (and removed) by this page. */
  function claimStored() {
    var stored = null;
    try { stored = JSON.parse(load(QUEUE_KEY)); } catch (e) { stored = null; }
    save(QUEUE_KEY, "[]");
    return Array.isArray(stored) ? stored.slice(-MAX_QUEUE) : [];
  }

  function warnOnce(kind, message) {
    if (!warned[kind] && window.console) {
      warned[kind] = true;
      window.console.warn("clickstream: " + message);
    }
  }

  function schedule(delay) {
    if (timer === null) {
      timer = window.setTimeout(function () { timer = null; flush(false); }, delay);
    }
  }

  function track(type, props) {
    props = props || {};
    var now = Date.now();
    var price = Number(props.price || 0);
    var current = session(now);
    var campaign = current.campaign || {};
    queue.push({ n: 0, e: {
      event_id: uuid(),
      event_type: type,
      user_id: userId(),
      session_id: current.id,
      product_id: String(props.product_id || "page:" + window.location.pathname),
      category: props.category ? String(props.category) : undefined,
      order_id: type === "purchase" && props.order_id ? String(props.order_id) : undefined,
      price: Math.round(price * 100) / 100,
      timestamp: new Date(now).toISOString(),
      page: PAGE || undefined,
      page_title: TITLES && document.title ? document.title.slice(0, MAX_TEXT) : undefined,
      referrer: REFERRER || undefined,
      page_view_id: PAGE_VIEW_ID,
      utm_source: campaign.utm_source,
      utm_medium: campaign.utm_medium,
      utm_campaign: campaign.utm_campaign,
      utm_term: campaign.utm_term,
      utm_content: campaign.utm_content,
      paid_click: campaign.paid_click || undefined,
      is_bot: navigator.webdriver ? true : undefined,
      customer_id: customerId(),
      properties: props.properties || undefined
    }});
    if (queue.length > MAX_QUEUE) {
      queue.splice(0, queue.length - MAX_QUEUE); // the collector has been unreachable for long
    }
    if (queue.length >= MAX_BATCH) {
      flush(false);
    } else {
      schedule(FLUSH_DELAY_MS);
    }
  }

  /**
   * Not acknowledged: events sent MAX_ATTEMPTS times are dropped, the others go back in front of
   * the queue and the next attempt waits `retryAfter` seconds (from the answer) or the backoff.
   */
  function requeue(batch, retryAfter) {
    var kept = batch.filter(function (item) { return item.n < MAX_ATTEMPTS; });
    if (kept.length < batch.length) {
      warnOnce("gave-up", "dropped " + (batch.length - kept.length) + " events not acknowledged after " +
          MAX_ATTEMPTS + " attempts (is this page's origin in the collector's --allowed-origins?)");
    }
    queue = kept.concat(queue);
    failures++;
    var backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * Math.pow(2, failures - 1));
    var delay = retryAfter > 0 ? retryAfter * 1000 : backoff / 2 + Math.random() * backoff / 2;
    if (queue.length > 0) {
      schedule(delay);
    }
  }

  /** Sends queued events; `leaving`: the page is being hidden or closed, use sendBeacon. */
  function flush(leaving) {
    while (queue.length > 0) {
      var batch = queue.splice(0, MAX_BATCH);
      batch.forEach(function (item) { item.n++; });
      var body = batch.map(function (item) { return JSON.stringify(item.e); }).join("\n");
      var url = collector + "/v1/events?sent_at=" + Date.now();
      if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, body)) {
        continue; // a string is sent as text/plain: no CORS preflight
      }
      if (leaving) {
        queue = batch.concat(queue); // the browser would not take it: the next page sends it
        break;
      }
      send(url, body, batch);
      return; // one request at a time while the page lives
    }
    if (leaving) {
      save(QUEUE_KEY, JSON.stringify(queue.slice(-MAX_QUEUE)));
    }
  }

  function send(url, body, batch) {
    sending = batch.length;
    window.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: body,
      keepalive: true
    }).then(function (response) {
      sending = 0;
      var status = response.status;
      if (status >= 500 || status === 429 || status === 408) {
        requeue(batch, Number(response.headers.get("Retry-After"))); // the same events, with their ids
        return;
      }
      failures = 0;
      if (status >= 400) {
        response.text().then(function (t) { warnOnce("refused-" + status, "events refused (" + status + "): " + t); });
      }
      if (queue.length > 0) {
        schedule(0);
      }
    }, function () {
      sending = 0;
      requeue(batch, 0); // a network error, or a CORS refusal: the browser does not say which
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush(true);
    }
  });
  window.addEventListener("pagehide", function () { flush(true); });

  function product() {
    var meta = document.querySelector('meta[name="clickstream:product"]');
    return meta ? { product_id: meta.getAttribute("content") } : {};
  }

  window.clickstream = {
    version: "1",
    pageView: function (props) { track("page_view", props || product()); },
    addToCart: function (props) { track("add_to_cart", props); },
    removeFromCart: function (props) { track("remove_from_cart", props); },
    purchase: function (props) { track("purchase", props); },
    flush: function () { flush(false); },
    /** Ties this browser's anonymous id to a customer of the shop (after a login); null forgets it (a logout). */
    identify: function (id) {
      if (id === null || id === undefined || id === "") {
        try { window.localStorage.removeItem(CUSTOMER_KEY); } catch (e) { delete memory[CUSTOMER_KEY]; }
      } else {
        save(CUSTOMER_KEY, String(id));
      }
    },
    customerId: customerId,
    pageViewId: function () { return PAGE_VIEW_ID; },
    /** Events waiting to be sent or acknowledged (0: everything sent, or given up on). */
    queued: function () { return queue.length + sending; },
    userId: userId,
    sessionId: function () { return sessionId(Date.now()); }
  };

  if (!script || script.getAttribute("data-auto-page-view") !== "false") {
    window.clickstream.pageView();
  }
})(window, document);
