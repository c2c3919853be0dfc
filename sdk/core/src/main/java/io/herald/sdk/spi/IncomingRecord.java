package io.herald.sdk.spi;

import org.apache.kafka.common.header.Headers;

/** A record handed to a {@link RecordProcessor}. */
public interface IncomingRecord {

    String topic();

    int partition();

    long offset();

    /** Epoch milliseconds; -1 when the broker has none. */
    long timestamp();

    /** {@code null} when the record has no key. */
    byte[] key();

    /** {@code null} for a tombstone. */
    byte[] value();

    Headers headers();
}
