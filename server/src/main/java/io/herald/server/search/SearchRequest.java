package io.herald.server.search;

import java.time.Instant;
import java.util.Set;

/**
 * What to look for in a topic: a text or a JSON field (see {@link PayloadMatcher}), optionally a message
 * type, between two times (from inclusive, to exclusive; null means the topic's start or end) on some
 * partitions (null or empty means all), reading at most {@code maxScan} records (null: the default).
 */
public record SearchRequest(String topic, String text, String jsonPath, String value, String type, Instant from, Instant to,
                            Set<Integer> partitions, Long maxScan) {
}
