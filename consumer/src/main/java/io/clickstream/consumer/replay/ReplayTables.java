package io.clickstream.consumer.replay;

/** Table names of clickhouse/init/005_dead_letters.sql that replay uses besides dead_letters. */
final class ReplayTables {
    static final String REPLAYS = "dead_letter_replays";

    private ReplayTables() {}
}
