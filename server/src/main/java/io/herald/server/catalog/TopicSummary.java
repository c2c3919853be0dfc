package io.herald.server.catalog;

import java.util.List;

/** A topic as lists show it: the catalog columns and its type names, without Kafka's state. */
public record TopicSummary(String name, String app, int partitions, long retentionMs, String description, List<String> types) {
}
