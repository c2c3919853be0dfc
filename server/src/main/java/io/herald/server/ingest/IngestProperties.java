package io.herald.server.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP ingestion and the server's own Kafka producer ({@code herald.ingest.*}).
 *
 * @param maxEventSize   largest payload of one event; larger ones are answered 413
 * @param maxBatchEvents most events in one batch request
 * @param maxBatchSize   largest batch request body
 * @param maxBlock       how long a send may wait for Kafka metadata or buffer space before 503
 * @param deliveryTimeout how long Kafka may take to acknowledge before 503
 * @param lingerMs       producer linger: concurrent requests share a Kafka batch
 * @param catalogRefresh how often the cached topic catalog checks the config version
 */
@ConfigurationProperties("herald.ingest")
public record IngestProperties(@DefaultValue("1MB") DataSize maxEventSize,
                               @DefaultValue("1000") int maxBatchEvents,
                               @DefaultValue("16MB") DataSize maxBatchSize,
                               @DefaultValue("5s") Duration maxBlock,
                               @DefaultValue("10s") Duration deliveryTimeout,
                               @DefaultValue("2") int lingerMs,
                               @DefaultValue("500ms") Duration catalogRefresh) {

    public IngestProperties {
        if (maxEventSize.toBytes() < 1 || maxEventSize.toBytes() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("herald.ingest.max-event-size must be between 1 byte and 1 GB");
        }
        if (maxBatchEvents < 1) {
            throw new IllegalArgumentException("herald.ingest.max-batch-events must be at least 1");
        }
        if (maxBatchSize.toBytes() < maxEventSize.toBytes()) {
            throw new IllegalArgumentException("herald.ingest.max-batch-size must not be below herald.ingest.max-event-size");
        }
        if (deliveryTimeout.toMillis() < 1000 || maxBlock.isNegative()) {
            throw new IllegalArgumentException("herald.ingest.delivery-timeout must be at least 1s and max-block positive");
        }
    }
}
