package io.herald.sdk.spi;

import java.util.ArrayList;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;

/**
 * Moves records to and from a broker. Implementations must be thread-safe: {@link #publish} is
 * called from any application thread, {@link #subscribe} and {@link #close} from Herald's.
 */
public interface Transport extends AutoCloseable {

    /**
     * Publishes one record. Must not block longer than the transport's bounded wait (Kafka:
     * {@code max.block.ms}); must call {@code callback} exactly once, on success or failure.
     * Failures should be Herald exceptions ({@code BrokerUnavailableException} for "try later",
     * {@code MessageRejectedException} for "never"), other exceptions are passed on as they are.
     */
    void publish(OutgoingRecord record, PublishCallback callback);

    /**
     * {@link #publish(OutgoingRecord, PublishCallback)} of a record given by its parts: Herald's
     * sender calls this one, so that a transport which builds its own record object (Kafka's
     * {@code ProducerRecord}) need not have an {@link OutgoingRecord} made for each send first.
     * The default makes one and calls {@link #publish(OutgoingRecord, PublishCallback)}.
     *
     * @param topic     the destination
     * @param key       the key bytes, or {@code null}
     * @param value     the payload bytes
     * @param timestamp creation time in epoch milliseconds
     * @param headers   the headers in order, owned by the transport from now on
     * @param callback  called exactly once, as for the other form
     */
    default void publish(String topic, byte[] key, byte[] value, long timestamp, Header[] headers, PublishCallback callback) {
        publish(new OutgoingRecord(topic, key, value, timestamp, new ArrayList<>(Arrays.asList(headers))), callback);
    }

    /**
     * Starts delivering the topic's records to {@code processor}, as one consumer group: every
     * record reaches one member of the group. Per partition, records are handed over one at a
     * time in order; the transport remembers a record as consumed only after {@code process}
     * returned normally (at-least-once). If {@code process} throws {@link AbortDeliveryException},
     * that record and the rest of its partition's batch must be delivered again later.
     */
    Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor);

    /** Sends what is buffered and releases resources. Subscriptions are closed by Herald before. */
    @Override
    void close();
}
