package io.herald.server.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A message's lifecycle: its steps in time order with the latency between them, and per consumer group
 * where it stands.
 *
 * @param status    DEAD_LETTERED, RETRYING, IN_PROGRESS or HANDLED over all groups; SENT when no group
 *                  received it yet; UNKNOWN when not even SENT was recorded
 * @param partition the Kafka partition of the original record (SENT, else the first RECEIVED), if known
 * @param offset    its offset, if known
 * @param sentAt    when the producer sent it (the SENT timepoint's time minus its send duration)
 * @param ackedAt   when Kafka acknowledged it (the SENT timepoint's time)
 * @param latency   the headline latencies sent → acked → received → handled
 * @param truncated the message has more timepoints than the timeline shows
 * @param payload   the record from Kafka, only when asked for and allowed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageTrace(String messageId, String topic, String type, String key, String traceparent, String status,
                           Integer partition, Long offset, Instant firstSeen, Instant lastSeen, Instant sentAt,
                           Instant ackedAt, Latency latency, List<GroupTrace> groups, List<TimepointView> timeline,
                           boolean truncated, Payload payload) {

    /**
     * Latency of each step, milliseconds; null when a step was not recorded.
     *
     * @param sendMs            send → acknowledged by Kafka
     * @param deliverMs         acknowledged → first received by a consumer group
     * @param handleMs          received → handled, in the group that handled it first
     * @param endToEndMs        sent → the last group handled it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Latency(Long sendMs, Long deliverMs, Long handleMs, Long endToEndMs) {
    }

    MessageTrace withPayload(Payload p) {
        return new MessageTrace(messageId, topic, type, key, traceparent, status, partition, offset, firstSeen, lastSeen,
                sentAt, ackedAt, latency, groups, timeline, truncated, p);
    }
}
