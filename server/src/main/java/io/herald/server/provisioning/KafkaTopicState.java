package io.herald.server.provisioning;

import java.util.List;

/**
 * A topic as Kafka has it.
 *
 * @param name              topic name
 * @param partitions        per-partition state, by partition number
 * @param replicationFactor replicas of partition 0
 * @param retentionMs       {@code retention.ms}, or null when Kafka did not report it
 */
public record KafkaTopicState(String name, List<PartitionState> partitions, int replicationFactor, Long retentionMs) {

    /** One partition: leader and in-sync replicas by broker id ({@code -1} leader = none). */
    public record PartitionState(int partition, int leader, List<Integer> replicas, List<Integer> isr) {
    }
}
