package io.herald.server.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One step of a message's life as stored.
 *
 * @param sincePreviousMs milliseconds since the step before it (null for the first)
 * @param sinceFirstMs    milliseconds since the message's first step
 * @param clockShiftMs    how far this step's time was moved forward onto the broker's clock (its SDK instance's
 *                        clock was behind), null when it was not moved; {@code time} is the moved time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimepointView(String kind, Instant time, String topic, String app, String group, String instance,
                           Integer partition, Long offset, Instant brokerTime, Long durationMs, Integer attempt,
                           String error, String replayJob, Long sincePreviousMs, long sinceFirstMs,
                           Long clockShiftMs) {
}
