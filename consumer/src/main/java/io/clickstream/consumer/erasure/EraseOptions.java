package io.clickstream.consumer.erasure;

import io.clickstream.consumer.config.ConsumerOptions;
import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.time.Duration;

/** The validated options of {@code erase-customer}. The password never appears in {@link #toString()}. */
public record EraseOptions(
        String customerId,
        String bootstrapServers,
        String topic,
        String groupId,
        String jdbcUrl,
        String user,
        String password,
        Duration clickHouseTimeout,
        Duration waitFor,
        boolean dryRun) {
    public static EraseOptions from(Settings s) throws ConfigException {
        String customer = s.required(EraseSettings.CUSTOMER_ID);
        if (customer.isBlank() || customer.chars().anyMatch(Character::isISOControl)) {
            throw Settings.invalid(EraseSettings.CUSTOMER_ID, customer, "must not be blank or hold control characters");
        }
        String url = s.required(ConsumerSettings.JDBC_URL);
        ConsumerOptions.databaseOf(url); // the same URL rules as the consumer's
        Duration timeout = ConsumerOptions.commandTimeout(s);
        Duration wait = s.duration(EraseSettings.WAIT);
        if (wait.isNegative()) {
            throw Settings.invalid(EraseSettings.WAIT, s.string(EraseSettings.WAIT), "must not be negative");
        }
        return new EraseOptions(
                customer,
                s.required(ConsumerSettings.BOOTSTRAP),
                s.required(ConsumerSettings.TOPIC),
                s.required(ConsumerSettings.GROUP),
                url,
                s.required(ConsumerSettings.USER),
                s.string(ConsumerSettings.PASSWORD) == null ? "" : s.string(ConsumerSettings.PASSWORD),
                timeout,
                wait,
                s.bool(EraseSettings.DRY_RUN));
    }

    @Override
    public String toString() {
        return "EraseOptions[customerId=" + customerId + ", topic=" + topic + ", groupId=" + groupId + ", jdbcUrl="
                + jdbcUrl + ", user=" + user + ", waitFor=" + waitFor + ", dryRun=" + dryRun + "]";
    }
}
