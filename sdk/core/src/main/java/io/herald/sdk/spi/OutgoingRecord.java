package io.herald.sdk.spi;

import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A record to publish: Herald has already encoded payload and CloudEvents headers.
 *
 * @param topic     the destination
 * @param key       the key bytes, or {@code null}
 * @param value     the payload bytes
 * @param timestamp creation time in epoch milliseconds
 * @param headers   the headers, a mutable {@code ArrayList} owned by the transport from now on
 */
public record OutgoingRecord(String topic, byte[] key, byte[] value, long timestamp, List<Header> headers) {
}
