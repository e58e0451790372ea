package io.clickstream.consumer.clickhouse;

/** One column the consumer writes. {@code type} is spelled as ClickHouse prints it in system.columns. */
public record Column(String name, String type) {}
