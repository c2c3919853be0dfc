package io.herald.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * A binding declared in code: which messages of a topic a listener receives, in which consumer
 * group, and how failures are retried. Herald registers it with the control plane at start-up;
 * where the control plane's binding differs (type pattern, delivery limit, back-off, expiry,
 * paused, concurrency, dedupe window) the control plane wins, live.
 *
 * <pre>{@code
 * Binding.direct("trade", "pay-succ").withGroup("billing").withDeliveryLimit(5)
 * Binding.regex("trade", "pay-.*")
 * Binding.fanout("trade").withExpiry(Duration.ofHours(1))
 * }</pre>
 *
 * Settings left unset take the {@code herald.consumer.*} defaults. Instances are immutable.
 */
public final class Binding {

    private final String topic;
    private final BindingKind kind;
    private final String typePattern;
    private final String group;
    /** A delivery limit meaning "retry for ever" ({@link #withDeliveryLimit(int)}). */
    public static final int UNLIMITED = -1;

    private final Integer deliveryLimit;
    private final Long backoffMillis;
    private final Double backoffMultiplier;
    private final Long backoffMaxMillis;
    private final Long expiryMillis;
    private final Integer concurrency;
    private final Long dedupeWindowMillis;

    /** The longest {@link #withDedupeWindow(Duration) dedupe window}, as the control plane accepts. */
    public static final Duration MAX_DEDUPE_WINDOW = Duration.ofDays(1);

    Binding(String topic, BindingKind kind, String typePattern, String group, Integer deliveryLimit,
            Long backoffMillis, Double backoffMultiplier, Long backoffMaxMillis, Long expiryMillis,
            Integer concurrency, Long dedupeWindowMillis) {
        this.topic = requireText(topic, "topic");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.typePattern = kind == BindingKind.FANOUT ? "" : requireText(typePattern, "type pattern");
        this.group = group;
        this.deliveryLimit = deliveryLimit;
        this.backoffMillis = backoffMillis;
        this.backoffMultiplier = backoffMultiplier;
        this.backoffMaxMillis = backoffMaxMillis;
        this.expiryMillis = expiryMillis;
        this.concurrency = concurrency;
        this.dedupeWindowMillis = dedupeWindowMillis;
        if (kind == BindingKind.REGEX) {
            java.util.regex.Pattern.compile(typePattern);
        }
    }

    /** Messages of exactly one type. */
    public static Binding direct(String topic, String type) {
        return new Binding(topic, BindingKind.DIRECT, type, null, null, null, null, null, null, null, null);
    }

    /** Messages whose type matches the regular expression (whole-type match). */
    public static Binding regex(String topic, String typePattern) {
        return new Binding(topic, BindingKind.REGEX, typePattern, null, null, null, null, null, null, null, null);
    }

    /** Every message of the topic. */
    public static Binding fanout(String topic) {
        return new Binding(topic, BindingKind.FANOUT, "", null, null, null, null, null, null, null, null);
    }

    /** The consumer group; by default the app name. */
    public Binding withGroup(String group) {
        return new Binding(topic, kind, typePattern, requireText(group, "group"), deliveryLimit, backoffMillis,
                backoffMultiplier, backoffMaxMillis, expiryMillis, concurrency, dedupeWindowMillis);
    }

    /**
     * Attempts before a failing message goes to the dead-letter topic (1 = no retry), or
     * {@link #UNLIMITED}: retried under the capped back-off for ever (KiteQ's DeliveryLimit -1); the
     * group's lag then grows while it stops committing, which the shipped alert rules report.
     */
    public Binding withDeliveryLimit(int deliveryLimit) {
        if (deliveryLimit < 1 && deliveryLimit != UNLIMITED) {
            throw new IllegalArgumentException("delivery limit must be at least 1, or Binding.UNLIMITED (-1), was "
                    + deliveryLimit);
        }
        return new Binding(topic, kind, typePattern, group, deliveryLimit, backoffMillis, backoffMultiplier,
                backoffMaxMillis, expiryMillis, concurrency, dedupeWindowMillis);
    }

    /** Wait {@code initial} before the first retry, multiply by {@code multiplier} each time, up to {@code max}. */
    public Binding withBackoff(Duration initial, double multiplier, Duration max) {
        if (initial.isNegative() || multiplier < 1.0 || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs initial >= 0, multiplier >= 1 and max >= initial");
        }
        return new Binding(topic, kind, typePattern, group, deliveryLimit, initial.toMillis(), multiplier,
                max.toMillis(), expiryMillis, concurrency, dedupeWindowMillis);
    }

    /** Messages older than this (by record timestamp) go to the dead-letter topic with reason {@code expired}. */
    public Binding withExpiry(Duration expiry) {
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry must be positive");
        }
        return new Binding(topic, kind, typePattern, group, deliveryLimit, backoffMillis, backoffMultiplier,
                backoffMaxMillis, expiry.toMillis(), concurrency, dedupeWindowMillis);
    }

    /** Consumer threads for this binding in one instance (at most the topic's partition count is useful). */
    public Binding withConcurrency(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        return new Binding(topic, kind, typePattern, group, deliveryLimit, backoffMillis, backoffMultiplier,
                backoffMaxMillis, expiryMillis, concurrency, dedupeWindowMillis);
    }

    /**
     * Drop a message whose id ({@code ce_id}) this instance already handled for this binding within
     * {@code window} (at most {@link #MAX_DEDUPE_WINDOW}): a producer that retried a send with the
     * id of the failed attempt (see {@link RetryableHeraldException#messageId()}), a delayed event
     * fired again after a server crash, or a record written twice by a plain Kafka producer is then
     * handled once. Each dropped record counts in {@code herald.messages.duplicates}. The memory is
     * this instance's, bounded by {@code herald.consumer.dedupe-max-ids} ids: after a rebalance moves
     * a partition to another instance, or beyond that many ids, a repeat is handled again. Replays
     * are never dropped. {@link Duration#ZERO} turns it off.
     */
    public Binding withDedupeWindow(Duration window) {
        if (window.isNegative() || window.compareTo(MAX_DEDUPE_WINDOW) > 0) {
            throw new IllegalArgumentException("dedupe window must be between 0 (off) and " + MAX_DEDUPE_WINDOW + ", was " + window);
        }
        return new Binding(topic, kind, typePattern, group, deliveryLimit, backoffMillis, backoffMultiplier,
                backoffMaxMillis, expiryMillis, concurrency, window.isZero() ? null : window.toMillis());
    }

    public String topic() {
        return topic;
    }

    public BindingKind kind() {
        return kind;
    }

    /** The type (DIRECT), the regular expression (REGEX) or empty (FANOUT). */
    public String typePattern() {
        return typePattern;
    }

    /** The group, or {@code null} for "the app name". */
    public String group() {
        return group;
    }

    /** {@code null} when left to the default. */
    public Integer deliveryLimit() {
        return deliveryLimit;
    }

    /** {@code null} when left to the default. */
    public Long backoffMillis() {
        return backoffMillis;
    }

    /** {@code null} when left to the default. */
    public Double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** {@code null} when left to the default. */
    public Long backoffMaxMillis() {
        return backoffMaxMillis;
    }

    /** {@code null} = never expires. */
    public Long expiryMillis() {
        return expiryMillis;
    }

    /** {@code null} when left to the default. */
    public Integer concurrency() {
        return concurrency;
    }

    /** The dedupe window in milliseconds; {@code null} = no deduplication. */
    public Long dedupeWindowMillis() {
        return dedupeWindowMillis;
    }

    @Override
    public String toString() {
        return kind + " binding " + (group == null ? "" : group + "/") + topic
               + (kind == BindingKind.FANOUT ? "" : " [" + typePattern + "]");
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }
}
