package io.herald.server.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A topic with its message types; {@code kafka} is filled for single-topic reads only;
 * {@code traceSampleRate} is null when the server's default applies. {@code consumers} are the apps
 * besides the owner that may consume a RESTRICTED topic.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TopicView(String name, String app, int partitions, int replicationFactor, long retentionMs,
                        Double traceSampleRate, String description, List<String> producers,
                        ConsumerPolicy consumerPolicy, List<String> consumers, List<MessageTypeView> types,
                        Instant createdAt, Instant updatedAt, KafkaState kafka) {
}
