package io.clickstream.producer.simulation;

import java.util.Arrays;
import java.util.List;

/** Incidents the simulator can stage, for demos and for testing the alerts. */
public enum Scenario {
    NONE("none"),
    /** Purchases stop; browsing and carts continue. */
    CHECKOUT_OUTAGE("checkout-outage"),
    /** The event rate falls by the configured factor. */
    TRAFFIC_DROP("traffic-drop"),
    /** Purchases fail for one device/browser/os segment only. */
    SEGMENT_BUG("segment-bug"),
    /**
     * A paid campaign ({@code flash-promo} on Facebook ads) floods the shop: the event rate rises
     * {@value #SURGE_FACTOR} times, four in five new sessions come from the campaign, and its
     * shoppers almost never buy.
     */
    CAMPAIGN_SURGE("campaign-surge");

    /** How many times the usual rate the shop sees during a campaign surge. */
    public static final int SURGE_FACTOR = 5;

    private final String label;

    Scenario(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Scenario::label).toList();
    }

    public static Scenario fromName(String name) {
        return Arrays.stream(values())
                .filter(s -> s.label.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + name));
    }
}
