package io.herald.server.dispatch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The HTTP push dispatcher ({@code herald.dispatch.*}).
 *
 * @param enabled        run processors' workers on this instance
 * @param reconcile      how often the catalog is checked for new, changed, paused and removed processors
 * @param maxPollRecords records one worker takes from Kafka at a time
 * @param autoOffsetReset where a processor's new consumer group starts: earliest (default, nothing sent
 *                       before the first start is lost) or latest
 * @param maxRetryAfter  upper bound for a 429/503 {@code Retry-After} the dispatcher honours
 * @param dltPartitions  partitions of a dead-letter topic the dispatcher creates
 */
@ConfigurationProperties("herald.dispatch")
public record DispatchProperties(@DefaultValue("true") boolean enabled,
                                 @DefaultValue("1s") Duration reconcile,
                                 @DefaultValue("500") int maxPollRecords,
                                 @DefaultValue("earliest") String autoOffsetReset,
                                 @DefaultValue("1h") Duration maxRetryAfter,
                                 @DefaultValue("3") int dltPartitions) {

    public DispatchProperties {
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("herald.dispatch.max-poll-records must be at least 1");
        }
        if (!autoOffsetReset.equals("earliest") && !autoOffsetReset.equals("latest")) {
            throw new IllegalArgumentException("herald.dispatch.auto-offset-reset must be earliest or latest");
        }
    }
}
