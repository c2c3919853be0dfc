package io.herald.server.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code herald_config_apply_errors{app}}: how many online SDK instances of each app report a config
 * snapshot they could not apply (they run on an older one). Counted every
 * {@code herald.metrics.catalog-refresh} in one query, so a scrape never waits for the database.
 */
@Component
class ApplyErrorGauges {

    private static final Logger log = LoggerFactory.getLogger(ApplyErrorGauges.class);

    private final ClientInstances instances;
    private final MultiGauge gauge;

    ApplyErrorGauges(ClientInstances instances, MeterRegistry registry) {
        this.instances = instances;
        this.gauge = MultiGauge.builder("herald.config.apply.errors")
                .description("Online SDK instances that could not apply their app's latest config snapshot (they keep the last good one)")
                .register(registry);
        refresh();
    }

    @Scheduled(fixedDelayString = "${herald.metrics.catalog-refresh:15s}", initialDelayString = "${herald.metrics.catalog-refresh:15s}")
    void refresh() {
        try {
            List<MultiGauge.Row<?>> rows = instances.applyErrors().entrySet().stream()
                    .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("app", e.getKey()), e.getValue()))
                    .toList();
            gauge.register(rows, true);
        } catch (RuntimeException e) {
            log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Cannot count SDK apply errors: {}", e.toString());
        }
    }
}
