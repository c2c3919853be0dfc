package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The configuration the control plane pushes to one app's SDK instances
 * ({@code GET /api/v1/config/{app}?since=N}). Versions grow monotonically; an SDK applies a
 * snapshot only when its version is newer than the one it runs.
 *
 * @param app      the app the snapshot is for
 * @param version  the catalog's config version this snapshot reflects
 * @param topics   topics the app may produce to or consumes from, with their message types
 * @param bindings the app's consumer bindings
 * @param tracing  trace sampling settings
 * @param blocked  the app's bindings left out because their topic is RESTRICTED and no longer grants the
 *                 app, each in words naming binding, group and topic (an SDK reports them, never consumes them)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigSnapshot(String app, long version, List<TopicConfig> topics, List<BindingConfig> bindings,
                             TracingConfig tracing, List<String> blocked) {

    public ConfigSnapshot {
        topics = topics == null ? List.of() : List.copyOf(topics);
        bindings = bindings == null ? List.of() : List.copyOf(bindings);
        tracing = tracing == null ? TracingConfig.DEFAULT : tracing;
        blocked = blocked == null ? List.of() : List.copyOf(blocked);
    }

    /** A snapshot without blocked bindings. */
    public ConfigSnapshot(String app, long version, List<TopicConfig> topics, List<BindingConfig> bindings,
                          TracingConfig tracing) {
        this(app, version, topics, bindings, tracing, List.of());
    }
}
