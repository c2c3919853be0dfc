package io.herald.server.provisioning;

import java.util.Optional;

/**
 * Creates, changes and inspects topics in Kafka. Every method either completes or throws
 * {@link io.herald.server.common.KafkaUnavailableException} (Kafka did not answer in time) or
 * {@link io.herald.server.common.ValidationException} (Kafka refused the request).
 */
public interface KafkaProvisioner {

    /** Number of brokers in the cluster. */
    int brokerCount();

    /** Number of brokers, answered within {@code timeoutMs} (for health checks). */
    int brokerCount(int timeoutMs);

    /**
     * Creates a topic.
     *
     * @return false when it already existed in Kafka (nothing was changed)
     */
    boolean createTopic(String name, int partitions, short replicationFactor, long retentionMs);

    Optional<KafkaTopicState> describe(String name);

    void increasePartitions(String name, int partitions);

    void setRetention(String name, long retentionMs);

    /** Deletes a topic; a topic Kafka does not know is fine. */
    void deleteTopic(String name);

    /** Creates an internal topic if it is missing (used for dead-letter and Herald's own topics). */
    void ensureTopic(String name, int partitions, long retentionMs);
}
