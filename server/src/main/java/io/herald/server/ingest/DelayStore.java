package io.herald.server.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where events with a future due time wait. Implemented by the scheduler (a PostgreSQL timer
 * table); declared here so that ingestion does not depend on the scheduler's package.
 */
public interface DelayStore {

    /**
     * A final Kafka record to publish at {@code dueAt}.
     *
     * @param id        the id to cancel it by (unique; storing the same id again is a no-op)
     * @param app       the producing app, which may cancel it
     * @param messageId its ce_id
     * @param type      its ce_type
     */
    record Delayed(String id, Instant dueAt, String app, String messageId, String type, ProducerRecord<byte[], byte[]> record) {
    }

    /** Stores the events durably; returns once committed. Ids already stored are left as they are. */
    void store(List<Delayed> events);

    /** The longest delay accepted. */
    Duration maxDelay();
}
