package io.herald.server.ingest;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a checked event waits as the half of a two-phase message (prepared, not delivered) until
 * its producer commits or rolls it back, or Herald's check-back decides it; the transaction worker
 * implements it with the same {@code tx_message} state machine as the SDK's half messages.
 */
public interface HalfStore {

    /**
     * Stores the record as a pending half; throws {@link io.herald.server.common.ConflictException}
     * when a transaction with this message id exists already.
     */
    void prepare(String app, String messageId, String type, ProducerRecord<byte[], byte[]> record);
}
