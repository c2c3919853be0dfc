package io.herald.sdk.spi;

import java.time.Duration;

/** A running subscription. Methods may be called from any thread. */
public interface Subscription {

    /** Stops fetching records (keeps group membership); takes effect within one poll. */
    void pause();

    /** Fetches again after {@link #pause()}. */
    void resume();

    boolean isPaused();

    /** Records not yet consumed on the partitions this instance holds; -1 when unknown. */
    long lag();

    /**
     * Graceful stop: no new records, in-flight processing finishes, consumed records are
     * committed. Processing still running after {@code timeout} is interrupted and its records
     * are left uncommitted.
     */
    void close(Duration timeout);
}
