package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step in a message's life, as SDKs ship it to {@link HeraldTopics#TRACE} (JSON value, key =
 * message id). Optional fields are null when they do not apply.
 *
 * @param messageId   the message id ({@code ce_id})
 * @param kind        SENT, RECEIVED, HANDLED, FAILED, RETRIED, DEAD_LETTERED or REPLAYED
 * @param time        when it happened, epoch milliseconds (SDK clock)
 * @param topic       the topic
 * @param type        the message type
 * @param key         the business key, or null
 * @param app         the app recording it
 * @param group       the consumer group (consumer-side kinds)
 * @param instance    the SDK instance id
 * @param partition   partition of the record
 * @param offset      offset of the record
 * @param brokerTime  the record's Kafka timestamp, epoch milliseconds (SENT: the broker's ack)
 * @param durationMs  handling time (HANDLED, FAILED) or send latency (SENT)
 * @param attempt     delivery attempt, from 1
 * @param error       error class and message (FAILED, DEAD_LETTERED)
 * @param traceparent W3C trace context of the message
 * @param replayJob   the replay job that re-delivered it (REPLAYED and after)
 * @param receivedAt  HANDLED only: when the record was received, epoch milliseconds; set when the
 *                    first attempt succeeded, and then this one timepoint stands for two steps,
 *                    RECEIVED at that time and HANDLED (see {@link #steps()})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Timepoint(String messageId, String kind, long time, String topic, String type, String key, String app,
                        String group, String instance, Integer partition, Long offset, Long brokerTime, Long durationMs,
                        Integer attempt, String error, String traceparent, String replayJob, Long receivedAt) {

    /** A timepoint that stands for one step. */
    public Timepoint(String messageId, String kind, long time, String topic, String type, String key, String app,
                     String group, String instance, Integer partition, Long offset, Long brokerTime, Long durationMs,
                     Integer attempt, String error, String traceparent, String replayJob) {
        this(messageId, kind, time, topic, type, key, app, group, instance, partition, offset, brokerTime, durationMs,
                attempt, error, traceparent, replayJob, null);
    }

    /**
     * The steps this timepoint stands for: itself, or for a HANDLED with {@link #receivedAt()}, the
     * RECEIVED of its first attempt then the HANDLED (consumers ship a delivery that succeeded at
     * once as one timepoint).
     */
    public java.util.List<Timepoint> steps() {
        if (receivedAt == null || !HANDLED.equals(kind)) {
            return java.util.List.of(this);
        }
        return java.util.List.of(
                new Timepoint(messageId, RECEIVED, receivedAt, topic, type, key, app, group, instance, partition, offset,
                        brokerTime, null, 1, null, traceparent, replayJob, null),
                new Timepoint(messageId, HANDLED, time, topic, type, key, app, group, instance, partition, offset, brokerTime,
                        durationMs, attempt, error, traceparent, replayJob, null));
    }

    public static final String SENT = "SENT";
    public static final String RECEIVED = "RECEIVED";
    public static final String HANDLED = "HANDLED";
    public static final String FAILED = "FAILED";
    public static final String RETRIED = "RETRIED";
    public static final String DEAD_LETTERED = "DEAD_LETTERED";
    public static final String REPLAYED = "REPLAYED";
}
