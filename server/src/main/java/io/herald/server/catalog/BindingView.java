package io.herald.server.catalog;

import java.time.Instant;

/** A consumer group's subscription to a topic. */
public record BindingView(long id, String app, String group, String topic, BindingKind kind, String typePattern,
                          int deliveryLimit, long backoffMillis, double backoffMultiplier, long backoffMaxMillis,
                          Long expiryMillis, boolean paused, int concurrency, Double ratePerSecond, String deadLetterTopic,
                          Instant createdAt, Instant updatedAt) {
}
