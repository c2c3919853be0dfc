package io.herald.sdk.spi;

/**
 * What to subscribe to.
 *
 * @param group       the consumer group
 * @param topic       the topic
 * @param concurrency delivery threads in this instance
 * @param clientId    a readable id for the consumer(s), for broker-side logs and metrics
 */
public record SubscriptionSpec(String group, String topic, int concurrency, String clientId) {
}
