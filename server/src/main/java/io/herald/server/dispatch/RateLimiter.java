package io.herald.server.dispatch;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Spaces pushes of one processor evenly to at most {@code perSecond} a second, across its lanes. */
final class RateLimiter {

    private final long spacingNanos;
    private long next = System.nanoTime();

    RateLimiter(int perSecond) {
        this.spacingNanos = 1_000_000_000L / perSecond;
    }

    /** Waits for the next slot; returns false when {@code cancelled} became true meanwhile. */
    boolean acquire(BooleanSupplier cancelled) {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            // an idle limiter does not hoard slots for a burst
            slot = Math.max(next, now);
            next = slot + spacingNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        }
        return true;
    }
}
