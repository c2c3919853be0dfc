package io.herald.sdk.internal.listen;

import io.herald.sdk.Binding;
import io.herald.sdk.BindingKind;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.DeadLetters;
import java.util.regex.Pattern;

import static io.herald.sdk.HeraldSettings.*;

/**
 * The settings a binding runs with right now: the control plane's when it knows the binding,
 * else the code's with the {@code herald.consumer.*} defaults. Immutable; replaced as a whole
 * when a snapshot changes it, so a running delivery sees either the old or the new settings.
 */
public record EffectiveBinding(Long id, BindingKind kind, String typePattern, Pattern regex, int deliveryLimit,
                               long backoffMillis, double backoffMultiplier, long backoffMaxMillis, Long expiryMillis,
                               boolean paused, int concurrency, String deadLetterTopic, boolean fromControlPlane,
                               double ratePerSecond, long dedupeWindowMillis) {

    public static EffectiveBinding fromCode(Binding b, String group, HeraldConfig config) {
        return new EffectiveBinding(null, b.kind(), b.typePattern(), regex(b.kind(), b.typePattern()),
                b.deliveryLimit() != null ? b.deliveryLimit() : config.getInt(CONSUMER_DELIVERY_LIMIT),
                b.backoffMillis() != null ? b.backoffMillis() : config.getLong(CONSUMER_BACKOFF_MS),
                b.backoffMultiplier() != null ? b.backoffMultiplier() : config.getDouble(CONSUMER_BACKOFF_MULTIPLIER),
                b.backoffMaxMillis() != null ? b.backoffMaxMillis() : config.getLong(CONSUMER_BACKOFF_MAX_MS),
                b.expiryMillis(), false,
                b.concurrency() != null ? b.concurrency() : config.getInt(CONSUMER_CONCURRENCY),
                DeadLetters.topic(b.topic(), group), false, 0,
                b.dedupeWindowMillis() != null ? b.dedupeWindowMillis() : 0);
    }

    public static EffectiveBinding fromControlPlane(BindingConfig c) {
        BindingKind kind = BindingKind.valueOf(c.kind().toUpperCase(java.util.Locale.ROOT));
        String pattern = c.typePattern() == null ? "" : c.typePattern();
        return new EffectiveBinding(c.id(), kind, pattern, regex(kind, pattern),
                c.deliveryLimit() == Binding.UNLIMITED ? Binding.UNLIMITED : Math.max(1, c.deliveryLimit()),
                Math.max(0, c.backoffMillis()), Math.max(1.0, c.backoffMultiplier()),
                Math.max(c.backoffMillis(), c.backoffMaxMillis()), c.expiryMillis(), c.paused(),
                Math.max(1, c.concurrency()),
                c.deadLetterTopic() != null && !c.deadLetterTopic().isBlank() ? c.deadLetterTopic()
                        : DeadLetters.topic(c.topic(), c.group()), true, Math.max(0, c.ratePerSecond()),
                Math.max(0, c.dedupeWindowMillis()));
    }

    private static Pattern regex(BindingKind kind, String pattern) {
        return kind == BindingKind.REGEX ? Pattern.compile(pattern) : null;
    }

    public boolean matches(String type) {
        return switch (kind) {
            case FANOUT -> true;
            case DIRECT -> typePattern.equals(type);
            case REGEX -> regex.matcher(type).matches();
        };
    }

    /**
     * Whether a message that failed {@code attempt} times has used up its deliveries: never for an
     * unlimited binding ({@link Binding#UNLIMITED}), which retries under its capped back-off for ever.
     */
    public boolean exhausted(int attempt) {
        return deliveryLimit != Binding.UNLIMITED && attempt >= deliveryLimit;
    }

    /** Wait before retry number {@code attempt} (1 = the first retry). */
    public long backoffFor(int attempt) {
        double wait = backoffMillis * Math.pow(backoffMultiplier, attempt - 1);
        return (long) Math.min(wait, backoffMaxMillis);
    }
}
