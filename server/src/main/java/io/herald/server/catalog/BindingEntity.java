package io.herald.server.catalog;

import io.herald.sdk.wire.DeadLetters;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "binding")
class BindingEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "app_id")
    AppEntity app;

    @Column(name = "group_name", nullable = false)
    String groupName;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "topic_id")
    TopicEntity topic;

    @Enumerated(EnumType.STRING)
    BindingKind kind;

    @Column(name = "type_pattern", nullable = false)
    String typePattern = "";

    @Column(name = "delivery_limit")
    int deliveryLimit;

    @Column(name = "backoff_ms")
    long backoffMs;

    @Column(name = "backoff_multiplier")
    double backoffMultiplier;

    @Column(name = "backoff_max_ms")
    long backoffMaxMs;

    @Column(name = "expiry_ms")
    Long expiryMs;

    boolean paused;

    int concurrency;

    /** Messages per second per SDK instance; null = no limit. */
    @Column(name = "rate_per_second")
    Double ratePerSecond;

    /** How long the SDK remembers a handled ce_id to drop repeats; null = no deduplication. */
    @Column(name = "dedupe_window_ms")
    Long dedupeWindowMs;

    @Column(name = "created_at", nullable = false)
    Instant createdAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt = Instant.now();

    String deadLetterTopic() {
        return DeadLetters.topic(topic.name, groupName);
    }

    /** The topic is RESTRICTED and does not grant this binding's app (any more). */
    boolean blocked() {
        return !topic.mayConsume(app.name);
    }

    BindingView view() {
        return new BindingView(id, app.name, groupName, topic.name, kind, typePattern, deliveryLimit, backoffMs,
                backoffMultiplier, backoffMaxMs, expiryMs, paused, concurrency, ratePerSecond, dedupeWindowMs, deadLetterTopic(), createdAt, updatedAt,
                blocked());
    }
}
