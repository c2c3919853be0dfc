package io.herald.server.metrics;

import java.time.Instant;
import java.util.Optional;

/** Bound consumer groups' lag as the server last read it from Kafka (every {@code herald.metrics.lag-refresh}). */
public interface GroupLag {

    /** Records the group had not committed yet on the topic, summed over its partitions, and when that was read. */
    record Reading(long lag, Instant readAt) {
    }

    /** The last reading for a bound (group, topic); empty before the first read or while the topic is not in Kafka. */
    Optional<Reading> lag(String group, String topic);
}
