package io.herald.sdk.internal.push;

import java.util.function.LongUnaryOperator;

/**
 * How long the config poll waits: a short random pause between two polls, so that a fleet's polls do
 * not arrive at the control plane in step (after a change, or after a fleet started at once), and a
 * capped exponential back-off with jitter after a failure, so that a fleet the control plane refused
 * (503/429, connection refused) comes back spread out rather than all at the same moment.
 *
 * <p>After the n-th failure in a row (n from 0) the step is {@code min(max, initial * 2^n)}; the wait is
 * drawn uniformly from {@code [floor, floor + step/2]} with {@code floor = max(step/2, retryAfter)},
 * where {@code retryAfter} is the server's {@code Retry-After} capped at {@code max} (a control plane
 * asking for an hour does not stop config for an hour) — "equal jitter": never sooner than the server
 * asked, never all at once. Not thread-safe: the poll thread owns it.
 */
final class PollBackoff {

    private final long initialMs;
    private final long maxMs;
    private final long jitterMs;
    /** {@code bound -> a value in [0, bound]}; random in production, fixed in tests. */
    private final LongUnaryOperator random;
    private int failures;

    PollBackoff(long initialMs, long maxMs, long jitterMs, LongUnaryOperator random) {
        if (initialMs < 1 || maxMs < initialMs || jitterMs < 0) {
            throw new IllegalArgumentException("need 1 <= initial <= max and jitter >= 0: " + initialMs + ", " + maxMs + ", " + jitterMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.jitterMs = jitterMs;
        this.random = random;
    }

    PollBackoff(long initialMs, long maxMs, long jitterMs) {
        this(initialMs, maxMs, jitterMs, bound -> bound <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The pause before the next poll after an answer (200 or 304): in {@code [0, jitter]}; resets the back-off. */
    long afterAnswer() {
        failures = 0;
        return random.applyAsLong(jitterMs);
    }

    /**
     * The wait before the next poll after a failure.
     *
     * @param retryAfterMs the server's {@code Retry-After} in ms, or a negative value when it sent none
     */
    long afterFailure(long retryAfterMs) {
        long step = initialMs;
        for (int i = 0; i < failures && step < maxMs; i++) {
            step = Math.min(maxMs, step * 2);
        }
        failures = Math.min(failures + 1, 64);
        long half = step / 2;
        long floor = Math.max(half, Math.min(retryAfterMs, maxMs));
        return floor + random.applyAsLong(step - half);
    }

    /** Failures in a row so far. */
    int failures() {
        return failures;
    }
}
