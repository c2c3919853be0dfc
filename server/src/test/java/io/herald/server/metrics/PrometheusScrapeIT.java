package io.herald.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

        String binary = System.getenv().getOrDefault("HERALD_PROMETHEUS", "/usr/bin/prometheus");
        assertThat(Path.of(binary)).as("Prometheus binary (the test command installs the Debian package)").isExecutable();
        Path dir = Files.createTempDirectory(Path.of("target"), "prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: herald
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        int promPort = freePort();
        Process prometheus = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            Api query = new Api("http://127.0.0.1:" + promPort + "/api/v1", null);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Api.Response r = query.get("/query?query=" + URLEncoder.encode("herald_topics{job=\"herald\"}", StandardCharsets.UTF_8));
                assertThat(r.status()).isEqualTo(200);
                JsonNode result = r.json().at("/data/result");
                assertThat(result.size()).isEqualTo(1);
                assertThat(Double.parseDouble(result.at("/0/value/1").asString())).isGreaterThanOrEqualTo(1.0);
            });
            Api.Response version = query.get("/query?query=" + URLEncoder.encode("herald_config_version", StandardCharsets.UTF_8));
            assertThat(Double.parseDouble(version.json().at("/data/result/0/value/1").asString())).isPositive();
        } finally {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
