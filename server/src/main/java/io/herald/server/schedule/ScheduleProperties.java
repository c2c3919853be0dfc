package io.herald.server.schedule;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The scheduler: delayed events and cyclic schedules ({@code herald.schedule.*}).
 *
 * @param enabled              run the intake and firing loops on this instance (the API works either way)
 * @param maxDelay             the longest delay accepted; later due times are refused
 * @param delayTopicPartitions partitions of {@code herald.delay} when Herald creates it
 * @param intakeGroup          consumer group that moves {@code herald.delay} records into the timer table
 * @param firingThreads        threads firing due delayed events on this instance
 * @param firingBatch          due rows one firing transaction takes
 * @param pollInterval         longest wait between two looks for due rows (bounds lateness across instances)
 * @param retryAfter           how long an event whose publishing failed waits before the next try
 * @param misfireAfter         a tick later than this counts as missed (server was down): the misfire policy applies
 * @param historyKept          firings kept per schedule
 */
@ConfigurationProperties("herald.schedule")
public record ScheduleProperties(@DefaultValue("true") boolean enabled,
                                 @DefaultValue("30d") Duration maxDelay,
                                 @DefaultValue("6") int delayTopicPartitions,
                                 @DefaultValue("herald.scheduler") String intakeGroup,
                                 @DefaultValue("2") int firingThreads,
                                 @DefaultValue("2000") int firingBatch,
                                 @DefaultValue("100ms") Duration pollInterval,
                                 @DefaultValue("5s") Duration retryAfter,
                                 @DefaultValue("10s") Duration misfireAfter,
                                 @DefaultValue("200") int historyKept) {

    public ScheduleProperties {
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("herald.schedule.max-delay must be positive");
        }
        if (firingThreads < 1 || firingBatch < 1 || delayTopicPartitions < 1) {
            throw new IllegalArgumentException("herald.schedule.firing-threads, firing-batch and delay-topic-partitions must be at least 1");
        }
        if (pollInterval.toMillis() < 1 || pollInterval.toMillis() > 1000) {
            throw new IllegalArgumentException("herald.schedule.poll-interval must be between 1ms and 1s (it bounds the lateness)");
        }
        if (historyKept < 1) {
            throw new IllegalArgumentException("herald.schedule.history-kept must be at least 1");
        }
    }
}
