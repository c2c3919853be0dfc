package io.herald.server.tx;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The transaction worker of two-phase messages ({@code herald.tx.*}).
 *
 * @param enabled              run the intake, publishing and check-back loops on this instance (the API works either way)
 * @param intakeGroup          consumer group reading {@code herald.tx.half} and {@code herald.tx.decision}
 * @param topicPartitions      partitions of the half and decision topics when Herald creates them
 * @param checkTopicPartitions partitions of an app's {@code herald.tx.check.<app>} when Herald creates it
 * @param pollInterval         longest wait between two looks for committed or due rows
 * @param batch                rows one publishing or checking transaction takes
 * @param checkInterval        check interval of apps without producer settings
 * @param maxChecks            check-backs of apps without producer settings before a message is discarded
 * @param httpTimeout          timeout of an HTTP check-back call
 * @param grpcDeadline         deadline of a gRPC check-back call ({@code herald.v1.Checker/Check})
 * @param keepFinished         how long published, rolled-back and discarded rows are kept (the dedupe window)
 * @param maxAway              how long a message of apps without a {@code maxAwayMs} producer setting stays pending while
 *                             its producer is away (no live SDK instance, or its check-back address cannot be connected):
 *                             checks made meanwhile do not count against the maximum; after this it is discarded
 */
@ConfigurationProperties("herald.tx")
public record TxProperties(@DefaultValue("true") boolean enabled,
                           @DefaultValue("herald.tx") String intakeGroup,
                           @DefaultValue("6") int topicPartitions,
                           @DefaultValue("1") int checkTopicPartitions,
                           @DefaultValue("200ms") Duration pollInterval,
                           @DefaultValue("500") int batch,
                           @DefaultValue("60s") Duration checkInterval,
                           @DefaultValue("15") int maxChecks,
                           @DefaultValue("5s") Duration httpTimeout,
                           @DefaultValue("5s") Duration grpcDeadline,
                           @DefaultValue("7d") Duration keepFinished,
                           @DefaultValue("24h") Duration maxAway) {

    public TxProperties {
        if (topicPartitions < 1 || checkTopicPartitions < 1 || batch < 1 || maxChecks < 1) {
            throw new IllegalArgumentException("herald.tx.topic-partitions, check-topic-partitions, batch and max-checks must be at least 1");
        }
        if (pollInterval.toMillis() < 1 || pollInterval.toMillis() > 5000) {
            throw new IllegalArgumentException("herald.tx.poll-interval must be between 1ms and 5s");
        }
        if (httpTimeout.toMillis() < 1 || grpcDeadline.toMillis() < 1) {
            throw new IllegalArgumentException("herald.tx.http-timeout and herald.tx.grpc-deadline must be positive");
        }
        if (maxAway.toMillis() < 1) {
            throw new IllegalArgumentException("herald.tx.max-away must be positive");
        }
        if (checkInterval.toMillis() < 1) {
            throw new IllegalArgumentException("herald.tx.check-interval must be positive");
        }
    }
}
