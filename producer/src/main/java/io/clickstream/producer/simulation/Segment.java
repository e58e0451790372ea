package io.clickstream.producer.simulation;

/** A shopper segment such as {@code browser=Safari}: one enrichment dimension and its value. */
public record Segment(Dimension dimension, String value) {
    public enum Dimension {
        DEVICE,
        BROWSER,
        OS
    }

    public static Segment parse(String spec) {
        int equals = spec.indexOf('=');
        if (equals <= 0 || equals == spec.length() - 1) {
            throw new IllegalArgumentException("expected <device|browser|os>=<value>");
        }
        String name = spec.substring(0, equals).trim().toLowerCase();
        Dimension dimension = switch (name) {
            case "device" -> Dimension.DEVICE;
            case "browser" -> Dimension.BROWSER;
            case "os" -> Dimension.OS;
            default ->
                throw new IllegalArgumentException("unknown dimension '" + name + "', expected device, browser or os");
        };
        return new Segment(dimension, spec.substring(equals + 1).trim());
    }

    public boolean contains(UserProfile user) {
        String actual = switch (dimension) {
            case DEVICE -> user.device();
            case BROWSER -> user.browser();
            case OS -> user.os();
        };
        return actual.equalsIgnoreCase(value);
    }

    @Override
    public String toString() {
        return dimension.name().toLowerCase() + "=" + value;
    }
}
