package io.herald.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Prometheus;
import io.herald.server.support.ServerTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A real Prometheus (the Debian package) scrapes the server and answers a query for a Herald gauge. */
class PrometheusScrapeIT extends ServerTest {

    @Test
    void prometheusScrapesHeraldGauges() throws Exception {
        String app = unique("prom");
        admin.post("/apps", Map.of("name", app));
        assertThat(admin.post("/topics", Map.of("name", unique("pt"), "app", app, "partitions", 1)).status()).isEqualTo(201);

        try (Prometheus prometheus = Prometheus.start("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: herald
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode result = prometheus.query("herald_topics{job=\"herald\"}");
                assertThat(result.size()).isEqualTo(1);
                assertThat(Double.parseDouble(result.at("/0/value/1").asString())).isGreaterThanOrEqualTo(1.0);
            });
            JsonNode version = prometheus.query("herald_config_version");
            assertThat(Double.parseDouble(version.at("/0/value/1").asString())).isPositive();
        }
    }
}
