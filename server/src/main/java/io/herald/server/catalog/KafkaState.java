package io.herald.server.catalog;

import java.util.List;

/**
 * What Kafka says about a topic, beside the catalog's view of it.
 *
 * @param reachable         false when Kafka did not answer (the other fields are then empty)
 * @param exists            the topic exists in Kafka
 * @param partitions        actual partitions
 * @param replicationFactor actual replication factor
 * @param retentionMs       actual {@code retention.ms}
 * @param drift             fields where Kafka and the catalog disagree
 */
public record KafkaState(boolean reachable, boolean exists, Integer partitions, Integer replicationFactor,
                         Long retentionMs, List<String> drift) {

    public static KafkaState unreachable() {
        return new KafkaState(false, false, null, null, null, List.of());
    }
}
