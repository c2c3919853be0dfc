package io.herald.server.catalog;

import java.time.Instant;

/**
 * A consumer group's subscription to a topic.
 *
 * @param dedupeWindowMillis how long each SDK instance drops a record whose ce_id it already handled
 *                           for the group; null = no deduplication
 */
public record BindingView(long id, String app, String group, String topic, BindingKind kind, String typePattern,
                          int deliveryLimit, long backoffMillis, double backoffMultiplier, long backoffMaxMillis,
                          Long expiryMillis, boolean paused, int concurrency, Double ratePerSecond,
                          Long dedupeWindowMillis, String deadLetterTopic,
                          Instant createdAt, Instant updatedAt) {
}
