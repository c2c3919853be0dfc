package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A consumer group's subscription to a topic, as the control plane pushes it.
 *
 * @param id                catalog id of the binding
 * @param group             the Kafka consumer group
 * @param topic             the topic consumed
 * @param kind              DIRECT (exact type), REGEX (pattern on type) or FANOUT (every type)
 * @param typePattern       the type (DIRECT) or regular expression (REGEX); ignored for FANOUT
 * @param deliveryLimit     attempts before the message goes to the dead-letter topic (1 = no retry)
 * @param backoffMillis     wait before the first retry
 * @param backoffMultiplier factor applied to the wait after each retry (1.0 = fixed)
 * @param backoffMaxMillis  upper bound of the wait
 * @param expiryMillis      messages older than this go to the dead-letter topic as expired; null = never
 * @param paused            a paused binding does not consume
 * @param concurrency       consumer threads for this binding in one instance
 * @param deadLetterTopic   where exhausted, expired and unreadable messages go
 * @param pushedByServer    the binding has a push processor: the server's dispatcher consumes it as
 *                          this group and posts each message to an HTTP endpoint, so SDK instances
 *                          do not join the group for this topic (they would take partitions from it)
 * @param ratePerSecond     messages per second each SDK instance hands to this group's listeners
 *                          (KiteQ's watermark); 0 = no limit
 * @param dedupeWindowMillis each SDK instance drops a record whose {@code ce_id} it already handled
 *                          for this binding within this many milliseconds; 0 = no deduplication
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BindingConfig(long id, String group, String topic, String kind, String typePattern,
                            int deliveryLimit, long backoffMillis, double backoffMultiplier, long backoffMaxMillis,
                            Long expiryMillis, boolean paused, int concurrency, String deadLetterTopic,
                            boolean pushedByServer, double ratePerSecond, long dedupeWindowMillis) {

    /** A binding without deduplication. */
    public BindingConfig(long id, String group, String topic, String kind, String typePattern,
                         int deliveryLimit, long backoffMillis, double backoffMultiplier, long backoffMaxMillis,
                         Long expiryMillis, boolean paused, int concurrency, String deadLetterTopic,
                         boolean pushedByServer, double ratePerSecond) {
        this(id, group, topic, kind, typePattern, deliveryLimit, backoffMillis, backoffMultiplier, backoffMaxMillis,
                expiryMillis, paused, concurrency, deadLetterTopic, pushedByServer, ratePerSecond, 0);
    }

    /** A binding without a rate limit. */
    public BindingConfig(long id, String group, String topic, String kind, String typePattern,
                         int deliveryLimit, long backoffMillis, double backoffMultiplier, long backoffMaxMillis,
                         Long expiryMillis, boolean paused, int concurrency, String deadLetterTopic,
                         boolean pushedByServer) {
        this(id, group, topic, kind, typePattern, deliveryLimit, backoffMillis, backoffMultiplier, backoffMaxMillis,
                expiryMillis, paused, concurrency, deadLetterTopic, pushedByServer, 0, 0);
    }
}
