package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A topic as an SDK sees it.
 *
 * @param name       the Kafka topic name
 * @param partitions number of partitions
 * @param canProduce whether the app may produce to it (it owns it or is listed as a producer)
 * @param types      declared message types
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TopicConfig(String name, int partitions, boolean canProduce, List<MessageTypeConfig> types) {

    public TopicConfig {
        types = types == null ? List.of() : List.copyOf(types);
    }
}
