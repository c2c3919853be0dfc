package io.herald.server.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A processor's retry strategy: after attempt {@code n} fails retryably, wait {@code interval}
 * (or {@code interval * 2^(n-1)} when exponential) and try again, at most {@code retryCount}
 * times. A {@code Retry-After} answer (429, 503) is honoured instead of the interval.
 */
record RetryPolicy(long intervalMillis, int retryCount, boolean exponential, long maxRetryAfterMillis) {

    private static final long MAX_WAIT_MS = Duration.ofHours(1).toMillis();

    /** Retries left after {@code attempt} attempts? */
    boolean mayRetry(int attempt) {
        return attempt <= retryCount;
    }

    /** Wait before attempt {@code attempt + 1}. */
    long delayAfter(int attempt, Long retryAfterMillis) {
        if (retryAfterMillis != null) {
            return Math.max(0, Math.min(retryAfterMillis, maxRetryAfterMillis));
        }
        if (!exponential) {
            return intervalMillis;
        }
        int shift = Math.min(attempt - 1, 30);
        long wait = intervalMillis << shift;
        return wait < 0 || wait > MAX_WAIT_MS ? MAX_WAIT_MS : wait;
    }

    /** A {@code Retry-After} value (seconds or an HTTP date) in milliseconds from now, or null. */
    static Long parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            return Math.max(0, (long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            try {
                return Math.max(0, Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).toMillis());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
