/**
 * The transport SPI: what Herald needs from a message broker. Kafka is the default
 * ({@code HeraldBuilder} builds it from {@code herald.kafka.*}); {@code herald-sdk-test} ships an
 * in-memory one; another broker plugs in by implementing {@link io.herald.sdk.spi.Transport} and
 * passing it to {@code HeraldBuilder.withTransport}. Herald keeps everything above the broker —
 * the CloudEvents encoding, catalog checks, type filtering, retries, dead-lettering, metrics —
 * so a transport only moves records and runs delivery loops. Records carry Kafka-style headers
 * ({@link org.apache.kafka.common.header.Header}) because Herald's wire format is the CloudEvents
 * Kafka binding; a transport for another broker maps them to its own message attributes.
 */
package io.herald.sdk.spi;
