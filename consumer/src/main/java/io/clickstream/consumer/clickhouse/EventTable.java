package io.clickstream.consumer.clickhouse;

import io.clickstream.model.EventType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one declaration of what the consumer writes to {@code events}: column names and their
 * exact ClickHouse types, the enum codes and the price scale. {@link RowBinaryEncoder} writes
 * these names and types as the header of every insert (RowBinaryWithNamesAndTypes), so
 * ClickHouse itself refuses an insert whose column it no longer has with this exact type
 * (a column changed under a running consumer); {@link SchemaInstaller#check} compares them with
 * the table at start; a test holds them equal to {@code clickhouse/init/002_events.sql}.
 */
public final class EventTable {
    public static final int PRICE_SCALE = 2;

    /** Enum8 code per event type; the order of {@link EventType} is not relied on. */
    static byte enumCode(EventType type) {
        return switch (type) {
            case PAGE_VIEW -> 1;
            case ADD_TO_CART -> 2;
            case REMOVE_FROM_CART -> 3;
            case PURCHASE -> 4;
        };
    }

    static final String EVENT_TYPE = "Enum8("
            + List.of(EventType.values()).stream()
                    .sorted((a, b) -> Byte.compare(enumCode(a), enumCode(b)))
                    .map(t -> "'" + t.wireName() + "' = " + enumCode(t))
                    .collect(Collectors.joining(", "))
            + ")";

    /** In the order {@link RowBinaryEncoder} writes them. */
    public static final List<Column> WRITTEN = List.of(
            new Column("event_id", "UUID"),
            new Column("event_type", EVENT_TYPE),
            new Column("user_id", "String"),
            new Column("product_id", "String"),
            new Column("price", "Decimal(18, " + PRICE_SCALE + ")"),
            new Column("timestamp", "DateTime64(3, 'UTC')"),
            new Column("session_id", "String"),
            new Column("category", "LowCardinality(String)"),
            new Column("device", "LowCardinality(String)"),
            new Column("browser", "LowCardinality(String)"),
            new Column("os", "LowCardinality(String)"),
            new Column("order_id", "String"),
            new Column("brand", "LowCardinality(String)"),
            new Column("category_id", "String"),
            new Column("page", "String"),
            new Column("page_title", "String"),
            new Column("referrer", "String"),
            new Column("page_view_id", "String"),
            new Column("utm_source", "LowCardinality(String)"),
            new Column("utm_medium", "LowCardinality(String)"),
            new Column("utm_campaign", "LowCardinality(String)"),
            new Column("utm_term", "String"),
            new Column("utm_content", "String"),
            new Column("paid_click", "Bool"),
            new Column("channel", "LowCardinality(String)"),
            new Column("is_bot", "Bool"),
            new Column("country", "LowCardinality(String)"),
            new Column("customer_id", "String"),
            new Column("properties", "Map(LowCardinality(String), String)"),
            new Column("kafka_topic", "LowCardinality(String)"),
            new Column("kafka_topic_id", "UUID"),
            new Column("kafka_partition", "UInt16"),
            new Column("kafka_offset", "UInt64"));

    public static final List<String> NAMES = WRITTEN.stream().map(Column::name).toList();

    private EventTable() {}
}
