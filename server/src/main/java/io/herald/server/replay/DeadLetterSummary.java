package io.herald.server.replay;

import java.time.Instant;

/**
 * One binding's dead-letter topic at a glance, for the overview of every dead-letter topic.
 *
 * @param exists false while nothing was ever dead-lettered (Kafka does not know the topic)
 * @param total  records the topic holds now
 * @param oldest time stamp of the oldest record held, null when empty
 * @param newest time stamp of the newest record held, null when empty
 */
public record DeadLetterSummary(long bindingId, String app, String group, String topic, String deadLetterTopic,
                                boolean exists, long total, Instant oldest, Instant newest) {
}
