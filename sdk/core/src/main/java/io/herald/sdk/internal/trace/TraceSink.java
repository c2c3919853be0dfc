package io.herald.sdk.internal.trace;

import java.time.Duration;

/** Where the shipper writes timepoint records ({@code herald.trace}). Called from the shipper thread only. */
public interface TraceSink {

    /**
     * Writes one timepoint record; may block briefly (the shipper's thread, never a sender's).
     *
     * @param onFailure run when the record could not be written
     */
    void send(byte[] key, byte[] value, Runnable onFailure);

    /** Sends what is buffered, waiting at most {@code timeout}, and releases resources. */
    void close(Duration timeout);
}
