package io.clickstream.producer.config;

import io.clickstream.service.Setting;
import io.clickstream.service.kafka.PublisherSettings;
import java.util.List;

/** Every producer setting: flag, environment variable, default, description. */
public final class ProducerSettings {
    public static final Setting BOOTSTRAP = PublisherSettings.BOOTSTRAP;
    public static final Setting TOPIC = PublisherSettings.TOPIC;
    public static final Setting PARTITIONS = PublisherSettings.PARTITIONS;
    public static final Setting REPLICATION = PublisherSettings.REPLICATION;
    public static final Setting MODE = Setting.of("--mode", "PRODUCER_MODE", "simulate", "simulate | replay");
    public static final Setting RATE =
            Setting.of("--rate", "PRODUCER_RATE", "100", "events per second (0 = as fast as possible)");
    public static final Setting DURATION = Setting.of(
            "--duration", "PRODUCER_DURATION", null, "stop after this long, e.g. 60s, 10m (default: until stopped)");
    public static final Setting COUNT =
            Setting.of("--count", "PRODUCER_COUNT", null, "stop after this many events (default: until stopped)");
    public static final Setting SEED = Setting.of(
            "--seed", "PRODUCER_SEED", null, "random seed; fixed seed = reproducible event sequence (default: random)");
    public static final Setting USERS = Setting.of("--users", "PRODUCER_USERS", "500", "simulated users");
    public static final Setting PRODUCTS =
            Setting.of("--products", "PRODUCER_PRODUCTS", "1000", "products in the simulated catalog");
    public static final Setting CART_RATE =
            Setting.of("--cart-rate", "PRODUCER_CART_RATE", "0.08", "share of page views followed by an add to cart");
    public static final Setting PURCHASE_RATE = Setting.of(
            "--purchase-rate", "PRODUCER_PURCHASE_RATE", "0.3", "share of adds to cart followed by a purchase");
    public static final Setting SCENARIO = Setting.of(
            "--scenario",
            "PRODUCER_SCENARIO",
            "none",
            "incident: none | checkout-outage | traffic-drop | segment-bug | campaign-surge");
    public static final Setting SCENARIO_START = Setting.of(
            "--scenario-start",
            "PRODUCER_SCENARIO_START",
            "0s",
            "when the incident starts, as an offset from the start of the run");
    public static final Setting SCENARIO_END =
            Setting.of("--scenario-end", "PRODUCER_SCENARIO_END", null, "when the incident ends (default: never)");
    public static final Setting DROP_FACTOR = Setting.of(
            "--traffic-drop-factor",
            "PRODUCER_TRAFFIC_DROP_FACTOR",
            "0.2",
            "traffic-drop: rate multiplier during the incident");
    public static final Setting SEGMENT = Setting.of(
            "--segment",
            "PRODUCER_SEGMENT",
            "browser=Safari",
            "segment-bug: the segment whose purchases fail, device=|browser=|os=<value>");
    public static final Setting REPLAY_FILE = Setting.of(
            "--replay-file",
            "REPLAY_FILE",
            null,
            "replay: CSV (or .csv.gz) of a recorded clickstream (see --replay-format)");
    public static final Setting REPLAY_FORMAT = Setting.of(
            "--replay-format",
            "REPLAY_FORMAT",
            "auto",
            "replay: auto (the layout from the header: kaggle, retailrocket or retailrocket-events), one of"
                    + " those names, or a mapping file (.properties: field = column, event.NAME = type,"
                    + " timestamp.format, timestamp.zone)");
    public static final Setting REPLAY_SPEED = Setting.of(
            "--replay-speed",
            "REPLAY_SPEED",
            null,
            "replay: original pace times this factor instead of --rate (e.g. 60 = a minute per second)");
    public static final Setting REPLAY_TIMESTAMPS = Setting.of(
            "--replay-timestamps",
            "REPLAY_TIMESTAMPS",
            "now",
            "replay: now (stamp events when sent) | original (keep the file's times)");
    public static final Setting BACKFILL = Setting.of(
            "--backfill",
            "PRODUCER_BACKFILL",
            null,
            "simulate: this much history before now (e.g. 90m, 7d) at --rate, stamped in the past and sent as"
                    + " fast as possible, then exit; incidents are timed from its start");
    public static final Setting PROGRESS =
            Setting.of("--progress-interval", "PRODUCER_PROGRESS_INTERVAL", "5s", "how often to print a progress line");

    public static final List<Setting> ALL = List.of(
            BOOTSTRAP,
            TOPIC,
            PARTITIONS,
            REPLICATION,
            MODE,
            RATE,
            DURATION,
            COUNT,
            SEED,
            USERS,
            PRODUCTS,
            CART_RATE,
            PURCHASE_RATE,
            SCENARIO,
            SCENARIO_START,
            SCENARIO_END,
            DROP_FACTOR,
            SEGMENT,
            BACKFILL,
            REPLAY_FILE,
            REPLAY_FORMAT,
            REPLAY_SPEED,
            REPLAY_TIMESTAMPS,
            PROGRESS);

    private ProducerSettings() {}
}
