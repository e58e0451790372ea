package io.clickstream.producer.simulation;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventProperties;
import io.clickstream.model.EventType;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

/**
 * Shoppers browsing a {@link Catalog} in sessions. Each call to {@link #next} lets one
 * randomly chosen user take their next step:
 * <pre>
 *   page_view ──cartRate──► add_to_cart ──purchaseRate──► purchase
 *       ▲                        │                           │
 *       └────────────────────────┴───────────────────────────┘
 * </pre>
 * and after any step the session ends with {@value #SESSION_END_PROBABILITY} (the next step
 * starts a new session). So carts/views ≈ cartRate and purchases/carts ≈ purchaseRate (times the
 * session's source's factor, which averages about 1; crawlers only view).
 *
 * <p>Each event also says where its session came from ({@link TrafficSimulator}: source, landing
 * page, referrer, campaign, channel, country, a registered customer's id from the login on, whether
 * it is a crawler's).
 *
 * <p>All randomness comes from seeded {@link Random}s, and incidents switch on schedule
 * time, not wall-clock time: a given seed and configuration yield the same sequence of events
 * (ids included); only the timestamps differ. Not thread-safe.
 */
public final class UserSessionSimulator {
    static final double SESSION_END_PROBABILITY = 0.1;

    private enum Step {
        VIEW,
        CART,
        PURCHASE
    }

    private final SimulationOptions options;
    private final Random random;
    private final Catalog catalog;
    private final UserProfile[] users;
    private final Step[] nextStep;
    private final int[] product;
    private final String[] session;
    private final TrafficSimulator traffic;

    public UserSessionSimulator(SimulationOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
        this.catalog = new Catalog(options.products(), random);
        this.users = new UserProfile[options.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = UserProfile.draw(i + 1, random);
        }
        this.nextStep = new Step[users.length];
        this.product = new int[users.length];
        this.session = new String[users.length];
        Arrays.fill(nextStep, Step.VIEW);
        this.traffic = new TrafficSimulator(options.seed(), users.length);
    }

    /**
     * The next event.
     *
     * @param offsetNanos schedule time since the start of the run (decides active incidents)
     * @param timestamp   the event's timestamp
     */
    public ClickEvent next(long offsetNanos, Instant timestamp) {
        int u = random.nextInt(users.length);
        UserProfile user = users[u];
        boolean newSession = session[u] == null;
        if (newSession) {
            session[u] = "sess_" + Long.toHexString(random.nextLong() & 0xFFFF_FFFF_FFFFL);
        }
        UUID eventId = randomUuid();
        EventType type;
        switch (nextStep[u]) {
            case CART -> {
                type = EventType.ADD_TO_CART;
                nextStep[u] = random.nextDouble() < options.purchaseRate() * traffic.purchaseFactor(u)
                        ? Step.PURCHASE
                        : Step.VIEW;
            }
            case PURCHASE -> {
                if (checkoutFails(user, offsetNanos)) {
                    // The order fails: the shopper is back to browsing and the purchase never happens.
                    type = view(u);
                } else {
                    type = EventType.PURCHASE;
                    nextStep[u] = Step.VIEW;
                }
            }
            default -> type = view(u);
        }
        int p = product[u];
        String crawler = traffic.crawler(u);
        ClickEvent event = new ClickEvent(
                eventId,
                type,
                user.userId(),
                catalog.id(p),
                catalog.price(p),
                timestamp,
                session[u],
                catalog.category(p),
                crawler != null ? "robot" : user.device(),
                crawler != null ? crawler : user.browser(),
                crawler != null ? "unknown" : user.os(),
                type == EventType.PURCHASE ? "ord_" + eventId : null, // a checkout of one item
                null,
                null);
        event = event.with(
                traffic.next(
                        u,
                        newSession,
                        options.scenarioActive(Scenario.CAMPAIGN_SURGE, offsetNanos),
                        type,
                        catalog.id(p),
                        catalog.category(p)),
                traffic.customerId(u, user.userId(), type),
                EventProperties.NONE);
        if (nextStep[u] == Step.VIEW && random.nextDouble() < SESSION_END_PROBABILITY) {
            session[u] = null;
        }
        return event;
    }

    private EventType view(int u) {
        product[u] = catalog.drawProduct(random);
        // the same draw for a crawler, which never adds to a cart
        nextStep[u] = random.nextDouble() < options.cartRate() && traffic.crawler(u) == null ? Step.CART : Step.VIEW;
        return EventType.PAGE_VIEW;
    }

    private boolean checkoutFails(UserProfile user, long offsetNanos) {
        return options.scenarioActive(Scenario.CHECKOUT_OUTAGE, offsetNanos)
                || (options.scenarioActive(Scenario.SEGMENT_BUG, offsetNanos)
                        && options.segment().contains(user));
    }

    /** A version-4 UUID from the seeded generator (UUID.randomUUID() would not be reproducible). */
    private UUID randomUuid() {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    /** The simulated users (for tests and reporting). */
    public UserProfile[] users() {
        return users.clone();
    }
}
