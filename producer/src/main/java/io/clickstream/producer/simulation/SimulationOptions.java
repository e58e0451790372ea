package io.clickstream.producer.simulation;

import java.time.Duration;

/**
 * What the simulated shop looks like.
 *
 * @param cartRate      share of page views followed by an add to cart
 * @param purchaseRate  share of adds to cart followed by a purchase
 * @param scenarioStart offset from the start of the run (in schedule time) when the incident begins
 * @param scenarioEnd   offset when it ends, or {@code null} for never
 * @param dropFactor    rate multiplier during a traffic drop
 */
public record SimulationOptions(
        int users,
        int products,
        double cartRate,
        double purchaseRate,
        long seed,
        Scenario scenario,
        Duration scenarioStart,
        Duration scenarioEnd,
        double dropFactor,
        Segment segment) {

    /** Defaults of the documented configuration, with the given seed. */
    public static SimulationOptions defaults(long seed) {
        return new SimulationOptions(
                500, 1_000, 0.08, 0.3, seed, Scenario.NONE, Duration.ZERO, null, 0.2, Segment.parse("browser=Safari"));
    }

    public SimulationOptions withScenario(Scenario newScenario, Duration start, Duration end) {
        return new SimulationOptions(
                users, products, cartRate, purchaseRate, seed, newScenario, start, end, dropFactor, segment);
    }

    /**
     * The event rate at {@code offsetNanos} into the run, for a configured {@code rate}: times
     * {@code dropFactor} during a traffic drop, {@link Scenario#SURGE_FACTOR} times during a
     * campaign surge.
     */
    public double rateAt(double rate, long offsetNanos) {
        if (scenarioActive(Scenario.TRAFFIC_DROP, offsetNanos)) {
            return rate * dropFactor;
        }
        return scenarioActive(Scenario.CAMPAIGN_SURGE, offsetNanos) ? rate * Scenario.SURGE_FACTOR : rate;
    }

    /** Whether the incident is active at {@code offsetNanos} into the run. */
    public boolean scenarioActive(Scenario which, long offsetNanos) {
        return scenario == which
                && offsetNanos >= scenarioStart.toNanos()
                && (scenarioEnd == null || offsetNanos < scenarioEnd.toNanos());
    }
}
