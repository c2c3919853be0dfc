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
 *                       ({@code herald_group_lag}, {@code herald_group_last_commit_seconds})
 */
@ConfigurationProperties("herald.metrics")
public record MetricsProperties(String token, @DefaultValue("15s") Duration catalogRefresh,
                                @DefaultValue("15s") Duration lagRefresh) {

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
    }
}
