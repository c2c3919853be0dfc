package io.herald.sdk.internal.trace;

/**
 * A SENT timepoint still held in the sender's own per-send object: the thread that sees the
 * broker's acknowledgement (Kafka's I/O thread, which bounds send throughput) queues it as it is,
 * and the shipper thread reads the fields and writes the JSON. Nothing is formatted or boxed on
 * the acknowledging thread.
 */
public interface SentTimepoint {

    /** The message id as ASCII bytes. */
    byte[] messageIdBytes();

    /** The traceparent as ASCII bytes, or {@code null}. */
    byte[] traceparentBytes();

    String topic();

    String type();

    String key();

    int partition();

    long offset();

    /** The record's timestamp as the broker acknowledged it. */
    long brokerTime();

    /** Send latency in milliseconds. */
    long durationMs();

    /** When the acknowledgement arrived, epoch milliseconds. */
    long ackedAt();
}
