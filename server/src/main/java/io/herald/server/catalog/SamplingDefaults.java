package io.herald.server.catalog;

/**
 * The trace sampling a config snapshot gives topics without a rate of their own. The trace
 * feature's settings ({@code herald.trace.*}) provide it; the catalog only passes it on to SDKs.
 */
public interface SamplingDefaults {

    /** {@code herald.trace.default-sample-rate}: the share of messages traced, 0 to 1. */
    double defaultSampleRate();

    /** {@code herald.trace.max-sampled-per-second}: the most traces an SDK instance starts a second per topic (0: no limit). */
    int maxSampledPerSecond();
}
