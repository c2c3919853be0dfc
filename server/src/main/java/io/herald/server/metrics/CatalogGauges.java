package io.herald.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Herald's catalog gauges: apps, topics, bindings, processors and the config version. Counted
 * every 15 s in one query, so a Prometheus scrape never waits for the database.
 */
@Component
class CatalogGauges {

    private static final Logger log = LoggerFactory.getLogger(CatalogGauges.class);

    private final JdbcTemplate jdbc;
    private final Map<String, AtomicLong> values = Map.of("apps", new AtomicLong(), "topics", new AtomicLong(),
            "bindings", new AtomicLong(), "processors", new AtomicLong(), "config_version", new AtomicLong());

    CatalogGauges(JdbcTemplate jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        values.forEach((name, value) -> Gauge.builder("herald." + name, value, AtomicLong::get)
                .description(name.equals("config_version") ? "Highest config version of any app (versions are per app)" : "Number of " + name + " in the catalog")
                .register(registry));
        refresh();
    }

    @Scheduled(fixedDelayString = "${herald.metrics.catalog-refresh:15s}", initialDelayString = "${herald.metrics.catalog-refresh:15s}")
    void refresh() {
        try {
            jdbc.query("SELECT (SELECT count(*) FROM app), (SELECT count(*) FROM topic), (SELECT count(*) FROM binding),"
                    + " (SELECT count(*) FROM processor), (SELECT coalesce(max(version), 0) FROM app_config_version)", rs -> {
                values.get("apps").set(rs.getLong(1));
                values.get("topics").set(rs.getLong(2));
                values.get("bindings").set(rs.getLong(3));
                values.get("processors").set(rs.getLong(4));
                values.get("config_version").set(rs.getLong(5));
            });
        } catch (RuntimeException e) {
            log.debug("Catalog gauges not refreshed: {}", e.getMessage());
        }
    }
}
