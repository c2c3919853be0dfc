package io.herald.server.provisioning;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    default boolean createTopic(String name, int partitions, short replicationFactor, long retentionMs) {
        return createTopic(name, partitions, replicationFactor, retentionMs, Map.of());
    }

    /**
     * Creates a topic with these topic configs besides {@code retention.ms} (the settings the catalog keeps).
     * A refused config is reported as a {@link io.herald.server.common.ValidationException} naming it.
     *
     * @return false when it already existed in Kafka (nothing was changed)
     */
    boolean createTopic(String name, int partitions, short replicationFactor, long retentionMs, Map<String, String> configs);

    Optional<KafkaTopicState> describe(String name);

    void increasePartitions(String name, int partitions);

    void setRetention(String name, long retentionMs);

    /** Every config of the topic as Kafka reports it (describeConfigs), by name; empty when Kafka lacks the topic. */
    Optional<List<KafkaConfigEntry>> configs(String name);

    /**
     * Changes topic configs in one incrementalAlterConfigs request: {@code set} gives values to set on the
     * topic, {@code reset} names configs that return to the broker's default. With {@code validateOnly}
     * Kafka checks the request without changing anything. A refusal is a
     * {@link io.herald.server.common.ValidationException} naming the config Kafka objected to.
     */
    void alterConfigs(String name, Map<String, String> set, Set<String> reset, boolean validateOnly);

    /** Deletes a topic; a topic Kafka does not know is fine. */
    void deleteTopic(String name);

    /** Creates an internal topic if it is missing (used for dead-letter and Herald's own topics). */
    void ensureTopic(String name, int partitions, long retentionMs);
}
