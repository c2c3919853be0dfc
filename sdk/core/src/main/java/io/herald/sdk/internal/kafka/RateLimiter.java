package io.herald.sdk.internal.kafka;

/**
 * Spaces permits evenly at a rate per second, shared by the consumers of one subscription, so
 * {@code n} records in a row take {@code (n - 1) / rate} seconds; a late permit keeps the schedule
 * (catching up at most a second's worth), an idle spell starts it anew.
 */
final class RateLimiter {

    private final double perSecond;
    private final long intervalNanos;
    private final long catchUpNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of records per second, was " + perSecond);
        }
        this.perSecond = perSecond;
        this.intervalNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
        this.catchUpNanos = Math.max(intervalNanos, 1_000_000_000L);
    }

    double perSecond() {
        return perSecond;
    }

    /** Takes a permit when one is free now and answers 0; else answers the nanoseconds until one is, taking nothing. */
    synchronized long tryAcquire() {
        long now = System.nanoTime();
        if (now - next >= 0) {
            // a permit taken late keeps the schedule, so the rate holds on average over a second on a
            // busy machine (or across the re-poll of a long batch); one taken after a longer idle spell
            // starts it anew, so there is no burst beyond a second's worth
            next = now - next < catchUpNanos ? next + intervalNanos : now + intervalNanos;
            return 0;
        }
        return next - now;
    }
}
