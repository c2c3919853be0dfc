package io.herald.server.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server's own metrics ({@code herald.metrics.*}).
 *
 * @param token          when set, {@code /actuator/prometheus} answers only a scrape with
 *                       {@code Authorization: Bearer <token>} (or the admin token); unset, it is open
 *                       ({@code HERALD_METRICS_TOKEN})
 * @param catalogRefresh how often the catalog gauges (apps, topics, bindings, …) are counted
 * @param lagRefresh     how often every bound group's lag and last commit are read from Kafka
 *                       ({@code herald_group_lag}, {@code herald_group_last_commit_seconds}), off the
 *                       scrape thread
 * @param lagMaxGroups   at most this many (group, topic) pairs of bindings get those gauges (the rest is
 *                       named in a warning), which bounds what one refresh asks of Kafka
 */
@ConfigurationProperties("herald.metrics")
public record MetricsProperties(String token, @DefaultValue("15s") Duration catalogRefresh,
                                @DefaultValue("15s") Duration lagRefresh,
                                @DefaultValue("1000") int lagMaxGroups) {

    public MetricsProperties {
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("herald.metrics.token must be at least 16 characters (e.g. openssl rand -hex 32)");
        }
        if (catalogRefresh.isNegative() || catalogRefresh.isZero()) {
            throw new IllegalArgumentException("herald.metrics.catalog-refresh must be positive");
        }
        if (lagRefresh.compareTo(Duration.ofMillis(200)) < 0) {
            throw new IllegalArgumentException("herald.metrics.lag-refresh must be at least 200ms");
        }
        if (lagMaxGroups < 1) {
            throw new IllegalArgumentException("herald.metrics.lag-max-groups must be at least 1");
        }
    }
}
