package io.herald.server.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What a binding's dead-letter topic holds.
 *
 * @param total   records in the topic now
 * @param records the first of them (oldest first), up to the limit asked for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterView(String topic, String group, String deadLetterTopic, boolean exists, long total,
                             List<DeadLetter> records) {

    /** One dead letter: its position, what it was and why it ended here. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeadLetter(int partition, long offset, Instant timestamp, String messageId, String type, String key,
                             String reason, String exceptionClass, String exceptionMessage, String originalTopic,
                             Integer originalPartition, Long originalOffset) {
    }
}
