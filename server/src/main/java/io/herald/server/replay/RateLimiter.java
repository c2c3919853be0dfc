package io.herald.server.replay;

import java.util.concurrent.locks.LockSupport;

/** Spaces out records to at most {@code perSecond}; one thread uses it. */
final class RateLimiter {

    private final long intervalNanos;
    private long next;

    RateLimiter(int perSecond) {
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.next = System.nanoTime();
    }

    /** Waits until the next record may go, at most {@code maxWaitNanos}; answers whether it may go now. */
    boolean acquire(long maxWaitNanos) {
        long now = System.nanoTime();
        long wait = next - now;
        if (wait > maxWaitNanos) {
            LockSupport.parkNanos(maxWaitNanos);
            return false;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        // no bursts after a pause: the budget does not build up while nothing was sent
        next = Math.max(next, now - intervalNanos) + intervalNanos;
        return true;
    }
}
