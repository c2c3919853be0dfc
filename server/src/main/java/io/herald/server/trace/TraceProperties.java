package io.herald.server.trace;

import io.herald.server.catalog.SamplingDefaults;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The trace store ({@code herald.trace.*}).
 *
 * @param enabled          whether this instance ingests {@code herald.trace} (queries work either way)
 * @param topic            the Kafka topic SDKs ship timepoints to
 * @param group            the consumer group the server instances of one Herald share the topic in (two
 *                         Heralds with their own databases on one Kafka need two groups)
 * @param topicPartitions  partitions of that topic when the server creates it
 * @param topicRetention   how long Kafka keeps timepoints not yet ingested
 * @param retention        how long PostgreSQL keeps timepoints; whole days are dropped once past it
 * @param partitionsAhead  daily partitions created ahead of today
 * @param maxFuture        timepoints stamped further ahead than this (a wrong SDK clock) are dropped
 * @param batchSize        most timepoints written in one transaction
 * @param maintenance      how often partitions are created ahead and expired ones dropped
 * @param payloadTimeout   how long fetching a payload from Kafka may take
 * @param defaultSampleRate   share of messages traced on topics without a rate of their own, 0 to 1
 *                            (pushed to SDKs; failures are traced whatever the rate)
 * @param maxSampledPerSecond on those topics, the most traces one SDK instance starts a second per
 *                            topic, so that a busy topic cannot flood the trace store (pushed; 0: no limit)
 */
@ConfigurationProperties("herald.trace")
public record TraceProperties(@DefaultValue("true") boolean enabled,
                              @DefaultValue("herald.trace") String topic,
                              @DefaultValue("herald-trace-store") String group,
                              @DefaultValue("6") int topicPartitions,
                              @DefaultValue("1d") Duration topicRetention,
                              @DefaultValue("7d") Duration retention,
                              @DefaultValue("3") int partitionsAhead,
                              @DefaultValue("7d") Duration maxFuture,
                              @DefaultValue("5000") int batchSize,
                              @DefaultValue("1h") Duration maintenance,
                              @DefaultValue("5s") Duration payloadTimeout,
                              @DefaultValue("1.0") double defaultSampleRate,
                              @DefaultValue("100") int maxSampledPerSecond) implements SamplingDefaults {

    public TraceProperties {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("herald.trace.topic must not be blank");
        }
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("herald.trace.group must not be blank");
        }
        if (topicPartitions < 1) {
            throw new IllegalArgumentException("herald.trace.topic-partitions must be at least 1");
        }
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("herald.trace.retention must be at least 1d (partitions are daily), was " + retention);
        }
        if (partitionsAhead < 1 || partitionsAhead > 60) {
            throw new IllegalArgumentException("herald.trace.partitions-ahead must be between 1 and 60");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("herald.trace.batch-size must be between 1 and 100000");
        }
        if (maintenance.isNegative() || maintenance.isZero()) {
            throw new IllegalArgumentException("herald.trace.maintenance must be positive");
        }
        if (!(defaultSampleRate >= 0 && defaultSampleRate <= 1)) {
            throw new IllegalArgumentException("herald.trace.default-sample-rate must be between 0 and 1, was " + defaultSampleRate);
        }
        if (maxSampledPerSecond < 0) {
            throw new IllegalArgumentException("herald.trace.max-sampled-per-second must be 0 (no limit) or more, was "
                                               + maxSampledPerSecond);
        }
    }
}
