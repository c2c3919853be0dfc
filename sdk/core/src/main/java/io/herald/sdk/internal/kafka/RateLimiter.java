package io.herald.sdk.internal.kafka;

/**
 * Spaces permits evenly at a rate per second, shared by the consumers of one subscription: no burst
 * after an idle spell, so {@code n} records in a row take {@code (n - 1) / rate} seconds.
 */
final class RateLimiter {

    private final double perSecond;
    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of records per second, was " + perSecond);
        }
        this.perSecond = perSecond;
        this.intervalNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
    }

    double perSecond() {
        return perSecond;
    }

    /** Takes a permit when one is free now and answers 0; else answers the nanoseconds until one is, taking nothing. */
    synchronized long tryAcquire() {
        long now = System.nanoTime();
        if (now - next >= 0) {
            // a permit taken a little late keeps the schedule (the rate holds on a busy machine); one
            // taken after an idle spell starts it anew (no burst)
            next = now - next < intervalNanos ? next + intervalNanos : now + intervalNanos;
            return 0;
        }
        return next - now;
    }
}
