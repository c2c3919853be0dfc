package io.herald.sdk.internal.trace;

/**
 * A consumer-side timepoint as the delivery thread records it: the record's header values and key
 * stay the bytes Kafka handed over, nothing is decoded into Strings, and the shipper thread writes
 * them as they are. A delivery that succeeds at its first attempt is one HANDLED with
 * {@code receivedAt} (RECEIVED and HANDLED in one), the common case costing one timepoint.
 */
public final class ConsumedTimepoint {

    final String kind;
    final long time;
    final String topic;
    final String type;
    final String group;
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
    /** -1: none. */
    final long durationMs;
    /** 0: none. */
    final int attempt;
    final String error;
    /** 0: none. */
    final long receivedAt;

    public ConsumedTimepoint(String kind, long time, String topic, String type, String group, byte[] messageId,
                             String messageIdText, byte[] key, byte[] traceparent, byte[] replayJob, int partition, long offset,
                             long brokerTime, long durationMs, int attempt, String error, long receivedAt) {
        this.kind = kind;
        this.time = time;
        this.topic = topic;
        this.type = type;
        this.group = group;
        this.messageId = messageId;
        this.messageIdText = messageIdText;
        this.key = key;
        this.traceparent = traceparent;
        this.replayJob = replayJob;
        this.partition = partition;
        this.offset = offset;
        this.brokerTime = brokerTime;
        this.durationMs = durationMs;
        this.attempt = attempt;
        this.error = error;
        this.receivedAt = receivedAt;
    }

    /** The Kafka key of the trace record it starts: the message id. */
    byte[] messageIdBytes() {
        return messageId != null ? messageId : messageIdText.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
