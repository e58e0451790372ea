package io.clickstream.producer.simulation;

import java.math.BigDecimal;
import java.util.Random;

/**
 * The simulated shop's products ({@code prod_1} .. {@code prod_N}) with categories and prices.
 * Popularity follows a Zipf law, so a few products draw most views, as in real shops.
 */
public final class Catalog {
    /** Category codes in the style of the public e-commerce dataset, with a typical price range. */
    private static final String[] CATEGORIES = {
        "electronics.smartphone", "electronics.audio.headphone", "electronics.video.tv", "computers.notebook",
        "appliances.kitchen.refrigerators", "appliances.environment.vacuum", "apparel.shoes", "apparel.costume",
        "furniture.living_room.sofa", "kids.toys", "sport.bicycle", "accessories.bag",
    };

    private static final int[][] PRICE_RANGE = {
        {80, 1_200},
        {10, 350},
        {150, 2_500},
        {300, 2_800},
        {250, 1_800},
        {60, 700},
        {25, 220},
        {15, 150},
        {200, 1_500},
        {5, 120},
        {150, 1_600},
        {15, 300},
    };
    private static final double ZIPF_EXPONENT = 1.07;

    private final String[] ids;
    private final String[] categories;
    private final BigDecimal[] prices;
    private final double[] cumulativePopularity;

    public Catalog(int size, Random random) {
        ids = new String[size];
        categories = new String[size];
        prices = new BigDecimal[size];
        cumulativePopularity = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            int category = random.nextInt(CATEGORIES.length);
            int[] range = PRICE_RANGE[category];
            long cents = Math.round((range[0] + random.nextDouble() * (range[1] - range[0])) * 100);
            ids[i] = "prod_" + (i + 1);
            categories[i] = CATEGORIES[category];
            prices[i] = BigDecimal.valueOf(cents - cents % 100 + 99, 2); // shop prices end in .99
            total += 1.0 / Math.pow(i + 1, ZIPF_EXPONENT);
            cumulativePopularity[i] = total;
        }
        for (int i = 0; i < size; i++) {
            cumulativePopularity[i] /= total;
        }
    }

    /** A product index drawn by popularity. */
    public int drawProduct(Random random) {
        double x = random.nextDouble();
        int low = 0;
        int high = ids.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulativePopularity[mid] < x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    public String id(int product) {
        return ids[product];
    }

    public String category(int product) {
        return categories[product];
    }

    public BigDecimal price(int product) {
        return prices[product];
    }

    public int size() {
        return ids.length;
    }
}
