package io.herald.server.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A message found by a trace search: what it is and where it stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageSummary(String messageId, String topic, String type, String key, String status, Instant firstSeen,
                             Instant lastSeen, List<String> groups, boolean failed) {
}
