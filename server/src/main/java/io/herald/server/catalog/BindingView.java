package io.herald.server.catalog;

import java.time.Instant;

/**
/**
 * A consumer group's subscription to a topic. {@code blocked}: the topic is RESTRICTED and no longer
 * grants the binding's app, so the binding is left out of the app's config snapshot (its SDK instances
 * stop consuming it) and the server does not push it; it can only be deleted, or the grant restored.
 *
 * @param dedupeWindowMillis how long each SDK instance drops a record whose ce_id it already handled
 *                           for the group; null = no deduplication
 */
public record BindingView(long id, String app, String group, String topic, BindingKind kind, String typePattern,
                          int deliveryLimit, long backoffMillis, double backoffMultiplier, long backoffMaxMillis,
                          Long expiryMillis, boolean paused, int concurrency, Double ratePerSecond,
                          Long dedupeWindowMillis, String deadLetterTopic,
                          Instant createdAt, Instant updatedAt, boolean blocked) {
}
