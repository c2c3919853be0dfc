package io.herald.sdk.spi;

/** What a transport offers the processor of one delivery thread. */
public interface DeliveryContext {

    /**
     * Waits between retries. The transport owns the delivery thread, so it owns waiting: Kafka's
     * waits and wakes up early on stop; the in-memory transport does not wait at all.
     *
     * @return {@code false} if the subscription is stopping (the processor then aborts)
     */
    boolean awaitBackoff(long millis);

    /** Whether the subscription is being closed. */
    boolean isStopping();
}
