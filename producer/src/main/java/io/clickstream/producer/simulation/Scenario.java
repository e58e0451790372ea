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
    SEGMENT_BUG("segment-bug");

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
