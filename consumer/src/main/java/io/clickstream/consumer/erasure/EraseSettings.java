package io.clickstream.consumer.erasure;

import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.service.Setting;
import java.util.List;

/** Flags and environment variables of {@code erase-customer}; the connection settings are the consumer's. */
public final class EraseSettings {
    public static final Setting CUSTOMER_ID = Setting.of(
            "--customer-id",
            "ERASE_CUSTOMER_ID",
            null,
            "the shop's id of the customer to erase, as identify() sent it (required)");
    public static final Setting WAIT = Setting.of(
            "--wait",
            "ERASE_WAIT",
            "10m",
            "how long to wait for the consumer group to store every record Kafka held when the erasure was"
                    + " recorded, before deleting (then run the command again)");
    public static final Setting DRY_RUN = Setting.of(
            "--dry-run",
            "ERASE_DRY_RUN",
            "false",
            "count what would be erased and change nothing (bare --dry-run = true)");

    public static final List<Setting> ALL = List.of(
            CUSTOMER_ID,
            ConsumerSettings.BOOTSTRAP,
            ConsumerSettings.TOPIC,
            ConsumerSettings.GROUP,
            ConsumerSettings.JDBC_URL,
            ConsumerSettings.USER,
            ConsumerSettings.PASSWORD,
            ConsumerSettings.CLICKHOUSE_TIMEOUT,
            WAIT,
            DRY_RUN);

    private EraseSettings() {}
}
