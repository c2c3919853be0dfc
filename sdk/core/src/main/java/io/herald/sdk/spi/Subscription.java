package io.herald.sdk.spi;

import java.time.Duration;

/** A running subscription. Methods may be called from any thread. */
public interface Subscription {

    /** Stops fetching records (keeps group membership); takes effect within one poll. */
    void pause();

    /** Fetches again after {@link #pause()}. */
    void resume();

    boolean isPaused();

    /**
     * Hands at most {@code perSecond} records a second to the processor, over all of this
     * subscription's consumers, applied live; 0 = no limit. A transport that cannot limit its rate
     * refuses a positive one.
     *
     * @throws UnsupportedOperationException when {@code perSecond > 0} and this transport cannot apply it
     */
    default void rateLimit(double perSecond) {
        if (perSecond > 0) {
            throw new UnsupportedOperationException(getClass().getName() + " cannot limit the rate of a subscription");
        }
    }

    /** Records not yet consumed on the partitions this instance holds; -1 when unknown. */
    long lag();

    /**
     * Graceful stop: no new records, in-flight processing finishes, consumed records are
     * committed. Processing still running after {@code timeout} is interrupted and its records
     * are left uncommitted.
     */
    void close(Duration timeout);
}
