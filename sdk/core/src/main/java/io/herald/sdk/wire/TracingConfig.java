package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * Trace sampling pushed with the config.
 *
 * @param defaultSampleRate share of messages traced, 0.0 to 1.0 (failures are always recorded)
 * @param topicSampleRates  per-topic overrides
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TracingConfig(double defaultSampleRate, Map<String, Double> topicSampleRates) {

    public static final TracingConfig DEFAULT = new TracingConfig(1.0, Map.of());

    public TracingConfig {
        topicSampleRates = topicSampleRates == null ? Map.of() : Map.copyOf(topicSampleRates);
    }
}
