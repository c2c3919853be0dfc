package io.herald.server.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * A record read back from Kafka by partition and offset.
 *
 * @param text      the value as text when it is valid UTF-8, else null
 * @param base64    the value in Base64 when it is not text, else null
 * @param size      the value's size in bytes
 * @param truncated the value was longer than what is shown
 * @param found     false when the record is gone (retention, compaction)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Payload(boolean found, String topic, int partition, long offset, Instant timestamp, String key,
                      Map<String, String> headers, String contentType, String text, String base64, int size,
                      boolean truncated) {

    static Payload missing(String topic, int partition, long offset) {
        return new Payload(false, topic, partition, offset, null, null, null, null, null, null, 0, false);
    }
}
