package io.herald.server.trace;

import java.time.Instant;

/**
 * What to look for; every given field narrows the search.
 *
 * @param key         business key
 * @param topic       topic
 * @param from        activity at or after (inclusive)
 * @param to          activity before (exclusive)
 * @param type        message type
 * @param failedOnly  only messages that failed or were dead-lettered somewhere
 * @param traceparent a W3C traceparent or its bare 32-hex trace id
 */
public record TraceSearch(String key, String topic, Instant from, Instant to, String type, boolean failedOnly,
                          String traceparent) {
}
