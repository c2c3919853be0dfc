package io.herald.sdk.spi;

/** Outcome of {@link Transport#publish}. */
@FunctionalInterface
public interface PublishCallback {

    /**
     * @param partition the partition written to (-1 on failure)
     * @param offset    the offset (-1 on failure or when unknown)
     * @param timestamp the stored timestamp in epoch milliseconds
     * @param error     {@code null} on success
     */
    void onComplete(int partition, long offset, long timestamp, Exception error);
}
