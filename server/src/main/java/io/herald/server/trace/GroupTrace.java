package io.herald.server.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Where a message stands in one consumer group.
 *
 * @param state             HANDLED, RETRYING, DEAD_LETTERED or IN_PROGRESS (received, not finished)
 * @param attempts          highest delivery attempt seen
 * @param receivedAt        first RECEIVED
 * @param finishedAt        the HANDLED or DEAD_LETTERED that decided the state, if any
 * @param receiveLatencyMs  acknowledged by Kafka → first received by the group
 * @param handleMs          received → handled (the handler's own duration when the SDK reports it)
 * @param lastError         the latest FAILED or DEAD_LETTERED error
 * @param replayJobs        replay jobs that re-delivered the message to this group
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupTrace(String group, String app, String state, int attempts, Instant receivedAt, Instant finishedAt,
                         Long receiveLatencyMs, Long handleMs, String lastError, List<String> replayJobs) {
}
