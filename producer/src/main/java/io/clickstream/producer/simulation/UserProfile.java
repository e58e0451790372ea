package io.clickstream.producer.simulation;

import java.util.Random;

/** A simulated shopper's fixed traits. */
public record UserProfile(String userId, String device, String browser, String os) {

    /** Draws a plausible device / os / browser combination (rough 2020s web shares). */
    static UserProfile draw(int index, Random random) {
        String device = pick(random, new String[] {"desktop", "mobile", "tablet"}, new double[] {0.42, 0.50, 0.08});
        String os = switch (device) {
            case "desktop" -> pick(random, new String[] {"Windows", "macOS", "Linux"}, new double[] {0.65, 0.28, 0.07});
            case "mobile" -> pick(random, new String[] {"Android", "iOS"}, new double[] {0.58, 0.42});
            default -> pick(random, new String[] {"iOS", "Android"}, new double[] {0.6, 0.4});
        };
        String browser = switch (os) {
            case "iOS" -> pick(random, new String[] {"Safari", "Chrome"}, new double[] {0.85, 0.15});
            case "Android" ->
                pick(random, new String[] {"Chrome", "Samsung Internet", "Firefox"}, new double[] {0.82, 0.14, 0.04});
            case "macOS" -> pick(random, new String[] {"Safari", "Chrome", "Firefox"}, new double[] {0.5, 0.44, 0.06});
            case "Windows" -> pick(random, new String[] {"Chrome", "Edge", "Firefox"}, new double[] {0.66, 0.24, 0.10});
            default -> pick(random, new String[] {"Chrome", "Firefox"}, new double[] {0.6, 0.4});
        };
        return new UserProfile(String.format("user_%04d", index), device, browser, os);
    }

    private static String pick(Random random, String[] values, double[] weights) {
        double x = random.nextDouble();
        for (int i = 0; i < values.length - 1; i++) {
            x -= weights[i];
            if (x < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}
