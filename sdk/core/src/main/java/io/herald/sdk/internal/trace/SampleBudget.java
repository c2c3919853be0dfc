package io.herald.sdk.internal.trace;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many traces one topic may still start in the current second on this instance. One atomic
 * word holds the second and the count taken in it; once the limit is reached, a refusal costs a
 * clock read and a volatile read, so a busy topic pays next to nothing for the messages it does
 * not trace.
 */
final class SampleBudget {

    final String topic;
    /** High 32 bits: the second (of {@link System#nanoTime()}); low 32 bits: traces started in it. */
    private final AtomicLong state = new AtomicLong(-1L << 32);

    SampleBudget(String topic) {
        this.topic = topic;
    }

    /** Takes one trace of this second's {@code limit}; {@code false} once they are gone. */
    boolean take(int limit) {
        return take(limit, System.nanoTime() / 1_000_000_000L);
    }

    boolean take(int limit, long second) {
        long sec = second & 0xFFFF_FFFFL;
        while (true) {
            long s = state.get();
            if (s >>> 32 != sec) {
                if (state.compareAndSet(s, sec << 32 | 1)) {
                    return true;
                }
            } else if ((int) s >= limit) {
                return false;
            } else if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }
}
