package io.clickstream.consumer.replay;

import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.model.Names;
import io.clickstream.service.Setting;
import java.util.List;

/** Flags and environment variables of {@code replay-dead-letters}; the connection settings are the consumer's. */
public final class ReplaySettings {
    public static final Setting TOPIC =
            Setting.of("--topic", "KAFKA_TOPIC", Names.EVENTS_TOPIC, "topic the dead letters are re-published to");
    public static final Setting REASON_CLASS = Setting.of(
            "--reason-class",
            "REPLAY_REASON_CLASS",
            null,
            "only these classes, comma-separated: " + String.join(" | ", DeadLetterReplay.REASON_CLASSES)
                    + " (default: all)");
    public static final Setting SINCE = Setting.of(
            "--since",
            "REPLAY_SINCE",
            null,
            "only dead letters received since: a duration back from now (24h) or an instant"
                    + " (2026-11-25T08:00:00Z) (default: all)");
    public static final Setting DRY_RUN = Setting.of(
            "--dry-run",
            "REPLAY_DRY_RUN",
            "false",
            "list what would be replayed and publish nothing (bare --dry-run = true)");

    public static final List<Setting> ALL = List.of(
            ConsumerSettings.BOOTSTRAP,
            TOPIC,
            ConsumerSettings.JDBC_URL,
            ConsumerSettings.USER,
            ConsumerSettings.PASSWORD,
            ConsumerSettings.CLICKHOUSE_TIMEOUT,
            REASON_CLASS,
            SINCE,
            DRY_RUN);

    private ReplaySettings() {}
}
