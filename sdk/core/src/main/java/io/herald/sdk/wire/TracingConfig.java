package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * Trace sampling pushed with the config.
 *
 * @param defaultSampleRate   share of messages traced on topics without a rate of their own, 0.0 to 1.0
 *                            (failures are always recorded)
 * @param topicSampleRates    per-topic rates, set by users on the topic: exactly that share is traced,
 *                            with no limit per second
 * @param maxSampledPerSecond on topics without a rate of their own, the most messages a second that one
 *                            SDK instance starts a trace for, per topic; 0 for no limit (also what a
 *                            snapshot without the field, from an older control plane, means)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TracingConfig(double defaultSampleRate, Map<String, Double> topicSampleRates, int maxSampledPerSecond) {

    /** The control plane's defaults, used until a snapshot says otherwise. */
    public static final TracingConfig DEFAULT = new TracingConfig(1.0, Map.of(), 100);

    @JsonCreator
    public TracingConfig {
        topicSampleRates = topicSampleRates == null ? Map.of() : Map.copyOf(topicSampleRates);
        maxSampledPerSecond = Math.max(0, maxSampledPerSecond);
    }

    /** Sampling by rates alone, with no limit per second. */
    public TracingConfig(double defaultSampleRate, Map<String, Double> topicSampleRates) {
        this(defaultSampleRate, topicSampleRates, 0);
    }
}
