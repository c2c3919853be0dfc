package io.herald.sdk.internal.trace;

/**
 * A consumer-side timepoint as the delivery thread records it: the record's header values and key
 * stay the bytes Kafka handed over, nothing is decoded into Strings, and the shipper thread writes
 * them as they are. A delivery that succeeds at its first attempt is one HANDLED with
 * {@code receivedAt} (RECEIVED and HANDLED in one), the common case costing one timepoint.
 *
 * <p>What all steps of one record share (topic, id, key, traceparent, partition, offset, ...) is
 * kept once: a listener's per-record trace extends this class and is itself the record's first
 * timepoint ({@link #step}); further steps of the same record are {@link #next} copies. So a traced
 * delivery costs one object, not a trace and a timepoint.
 */
public class ConsumedTimepoint {

    // what every step of the record shares: written once, before the first step is queued
    final String topic;
    /** {@code ce_id} as it came, or {@code null} (then {@link #messageIdText}). */
    final byte[] messageId;
    /** The id of a record without {@code ce_id}: topic-partition-offset. */
    final String messageIdText;
    final byte[] key;
    final byte[] traceparent;
    final byte[] replayJob;
    final int partition;
    final long offset;
    /** The record's timestamp, or -1. */
    final long brokerTime;

    // the step: written by step() before the tracer queues this object, never after
    String kind;
    long time;
    String type;
    String group;
    /** -1: none. */
    long durationMs;
    /** 0: none. */
    int attempt;
    String error;
    /** 0: none. */
    long receivedAt;

    /** The record's part; {@link #step} gives the step's. */
    protected ConsumedTimepoint(String topic, byte[] messageId, String messageIdText, byte[] key, byte[] traceparent,
                                byte[] replayJob, int partition, long offset, long brokerTime) {
        this.topic = topic;
        this.messageId = messageId;
        this.messageIdText = messageIdText;
        this.key = key;
        this.traceparent = traceparent;
        this.replayJob = replayJob;
        this.partition = partition;
        this.offset = offset;
        this.brokerTime = brokerTime;
    }

    public ConsumedTimepoint(String kind, long time, String topic, String type, String group, byte[] messageId,
                             String messageIdText, byte[] key, byte[] traceparent, byte[] replayJob, int partition, long offset,
                             long brokerTime, long durationMs, int attempt, String error, long receivedAt) {
        this(topic, messageId, messageIdText, key, traceparent, replayJob, partition, offset, brokerTime);
        step(kind, time, type, group, durationMs, attempt, error, receivedAt);
    }

    /** Sets the step this object stands for (once, before it is queued). */
    protected final ConsumedTimepoint step(String kind, long time, String type, String group, long durationMs, int attempt,
                                           String error, long receivedAt) {
        this.kind = kind;
        this.time = time;
        this.type = type;
        this.group = group;
        this.durationMs = durationMs;
        this.attempt = attempt;
        this.error = error;
        this.receivedAt = receivedAt;
        return this;
    }

    /** Another step of the same record, as a timepoint of its own. */
    public final ConsumedTimepoint next(String kind, long time, String type, String group, long durationMs, int attempt,
                                        String error, long receivedAt) {
        return new ConsumedTimepoint(topic, messageId, messageIdText, key, traceparent, replayJob, partition, offset, brokerTime)
                .step(kind, time, type, group, durationMs, attempt, error, receivedAt);
    }

    /** The Kafka key of the trace record it starts: the message id. */
    byte[] messageIdBytes() {
        return messageId != null ? messageId : messageIdText.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
