package io.herald.server.replay;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Replay jobs ({@code herald.replay.*}).
 *
 * @param enabled                whether this instance runs replay jobs (every instance accepts them)
 * @param maxJobs                jobs one instance copies at the same time
 * @param lease                  how long a claimed job stays with its instance without a sign of life;
 *                               after that another instance takes it over from the stored progress
 * @param claimInterval          how often an instance looks for jobs to take
 * @param progressInterval       how often a running job waits for Kafka's acknowledgements and stores
 *                               its progress (what a crash may copy twice)
 * @param maxAttempts            claims after which a job that keeps failing is marked FAILED
 * @param replayTopicPartitions  partitions of a {@code herald.replay.<group>} topic when Herald creates it
 *                               (at least the source topic's)
 * @param replayTopicRetention   retention of those topics
 * @param maxItemsShown          records listed with their outcome in a redrive of a whole dead-letter topic
 * @param keepFinished           finished jobs (with their records' outcomes) are deleted this long after they ended
 */
@ConfigurationProperties("herald.replay")
public record ReplayProperties(@DefaultValue("true") boolean enabled,
                               @DefaultValue("2") int maxJobs,
                               @DefaultValue("20s") Duration lease,
                               @DefaultValue("1s") Duration claimInterval,
                               @DefaultValue("500ms") Duration progressInterval,
                               @DefaultValue("20") int maxAttempts,
                               @DefaultValue("3") int replayTopicPartitions,
                               @DefaultValue("7d") Duration replayTopicRetention,
                               @DefaultValue("10000") int maxItemsShown,
                               @DefaultValue("30d") Duration keepFinished) {

    public ReplayProperties {
        if (maxJobs < 1 || maxJobs > 64) {
            throw new IllegalArgumentException("herald.replay.max-jobs must be between 1 and 64");
        }
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("herald.replay.lease must be at least 2s");
        }
        if (progressInterval.compareTo(lease.dividedBy(2)) >= 0) {
            throw new IllegalArgumentException("herald.replay.progress-interval (" + progressInterval
                    + ") must be well below herald.replay.lease (" + lease + "): progress renews the lease");
        }
        if (claimInterval.isNegative() || claimInterval.isZero()) {
            throw new IllegalArgumentException("herald.replay.claim-interval must be positive");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("herald.replay.max-attempts must be at least 1");
        }
        if (keepFinished.isNegative() || keepFinished.isZero()) {
            throw new IllegalArgumentException("herald.replay.keep-finished must be positive");
        }
        if (replayTopicPartitions < 1) {
            throw new IllegalArgumentException("herald.replay.replay-topic-partitions must be at least 1");
        }
    }
}
