package io.herald.server.search;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Payload search in the console and over the API ({@code herald.console.search.*}).
 *
 * @param defaultScan records a search reads when the caller gives no scan limit
 * @param maxScan     the most records one search may read, whatever the caller asks
 * @param maxHits     hits kept (and sent) by one search; it stops when it found this many
 * @param maxJobs     console searches running at the same time on one server instance
 * @param keep        how long a console search and its hits are kept after it was last looked at
 * @param maxRate     records a second one search reads at most, so that searches leave the brokers to the
 *                    services (0: as fast as Kafka serves them)
 */
@ConfigurationProperties("herald.console.search")
public record SearchProperties(@DefaultValue("100000") long defaultScan,
                               @DefaultValue("5000000") long maxScan,
                               @DefaultValue("500") int maxHits,
                               @DefaultValue("4") int maxJobs,
                               @DefaultValue("10m") Duration keep,
                               @DefaultValue("0") long maxRate) {

    public SearchProperties {
        if (defaultScan < 1 || maxScan < defaultScan) {
            throw new IllegalArgumentException("herald.console.search.default-scan must be at least 1 and at most max-scan");
        }
        if (maxHits < 1 || maxHits > 10_000) {
            throw new IllegalArgumentException("herald.console.search.max-hits must be between 1 and 10000");
        }
        if (maxJobs < 1) {
            throw new IllegalArgumentException("herald.console.search.max-jobs must be at least 1");
        }
        if (maxRate < 0) {
            throw new IllegalArgumentException("herald.console.search.max-rate must be 0 (no limit) or more");
        }
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("herald.console.search.keep must be positive");
        }
    }
}
