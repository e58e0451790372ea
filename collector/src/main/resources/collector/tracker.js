/*
 * Clickstream tracker: records shop events in this page and sends them to the collector.
 *
 *   <script src="http://COLLECTOR/tracker.js"></script>
 *   <script>
 *     clickstream.pageView({product_id: "p-42", category: "shoes", price: 59.9});
 *     clickstream.addToCart({product_id: "p-42", category: "shoes", price: 59.9});
 *     clickstream.removeFromCart({...}); clickstream.purchase({...});
 *   </script>
 *
 * A page view is sent on load (product from <meta name="clickstream:product" content="..."> or
 * "page:" + the path). Ids: an anonymous user id kept in localStorage, and a session id that
 * survives page loads and is replaced after 30 minutes without events. Events are batched (up to
 * 1 s or 50 events) and sent as NDJSON text, with navigator.sendBeacon when the page is hidden
 * or closed. A batch the collector did not acknowledge (network error, 503) is kept and sent
 * again later with the same event ids. No dependencies; no cookies.
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
  var USER_KEY = "clickstream.user";
  var SESSION_KEY = "clickstream.session";

  var script = document.currentScript;
  var collector = (script && script.getAttribute("data-collector")) ||
      (script && script.src ? new URL(script.src, window.location.href).origin : window.location.origin);

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

  /** The session of an event at `now`: the current one, or a new one after 30 minutes idle. */
  function sessionId(now) {
    var session = null;
    try { session = JSON.parse(load(SESSION_KEY)); } catch (e) { session = null; }
    if (!session || !session.id || now - session.last > SESSION_IDLE_MS) {
      session = { id: "s-" + uuid() };
    }
    session.last = now;
    save(SESSION_KEY, JSON.stringify(session));
    return session.id;
  }

  var queue = [];
  var timer = null;
  var retryDelay = FLUSH_DELAY_MS;

  function schedule(delay) {
    if (timer === null) {
      timer = window.setTimeout(function () { timer = null; flush(false); }, delay);
    }
  }

  function track(type, props) {
    props = props || {};
    var now = Date.now();
    var price = Number(props.price || 0);
    queue.push({
      event_id: uuid(),
      event_type: type,
      user_id: userId(),
      session_id: sessionId(now),
      product_id: String(props.product_id || "page:" + window.location.pathname),
      category: props.category ? String(props.category) : undefined,
      price: Math.round(price * 100) / 100,
      timestamp: new Date(now).toISOString()
    });
    if (queue.length > MAX_QUEUE) {
      queue.splice(0, queue.length - MAX_QUEUE); // the collector has been unreachable for long
    }
    if (queue.length >= MAX_BATCH) {
      flush(false);
    } else {
      schedule(FLUSH_DELAY_MS);
    }
  }

  function requeue(batch) {
    queue = batch.concat(queue);
    retryDelay = Math.min(retryDelay * 2, 60000);
    schedule(retryDelay);
  }

  /** Sends queued events; `leaving`: the page is being hidden or closed, use sendBeacon. */
  function flush(leaving) {
    while (queue.length > 0) {
      var batch = queue.splice(0, MAX_BATCH);
      var body = batch.map(function (e) { return JSON.stringify(e); }).join("\n");
      var url = collector + "/v1/events?sent_at=" + Date.now();
      if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, body)) {
        continue; // a string is sent as text/plain: no CORS preflight
      }
      send(url, body, batch);
      if (!leaving) {
        return; // one request at a time while the page lives
      }
    }
  }

  function send(url, body, batch) {
    window.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: body,
      keepalive: true
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) {
        requeue(batch); // not acknowledged: the same events, with their ids, again later
        return;
      }
      retryDelay = FLUSH_DELAY_MS;
      if (response.status >= 400 && window.console) {
        response.text().then(function (t) { window.console.warn("clickstream: events refused: " + t); });
      }
      if (queue.length > 0) {
        schedule(0);
      }
    }, function () {
      requeue(batch);
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
    userId: userId,
    sessionId: function () { return sessionId(Date.now()); }
  };

  if (!script || script.getAttribute("data-auto-page-view") !== "false") {
    window.clickstream.pageView();
  }
})(window, document);
