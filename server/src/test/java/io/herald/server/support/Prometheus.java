package io.herald.server.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus (the Debian package the test command installs; {@code HERALD_PROMETHEUS}) on a free
 * port, with the configuration a test gives it, its data in {@code target/}. Closing stops it.
 */
public final class Prometheus implements AutoCloseable {

    private final Process process;
    private final Api api;
    private final Path dir;

    private Prometheus(Process process, int port, Path dir) {
        this.process = process;
        this.api = new Api("http://127.0.0.1:" + port + "/api/v1", null);
        this.dir = dir;
    }

    /** The {@code prometheus} binary, {@code promtool} beside it. */
    public static String binary() {
        String binary = System.getenv().getOrDefault("HERALD_PROMETHEUS", "/usr/bin/prometheus");
        assertThat(Path.of(binary)).as("Prometheus binary (the test command installs the Debian package)").isExecutable();
        return binary;
    }

    public static String promtool() {
        return binary().replaceAll("prometheus$", "promtool");
    }

    /**
     * Starts Prometheus with {@code config}; {@code files} (name, then content) are written beside it,
     * for the rule files the config names.
     */
    public static Prometheus start(String config, String... files) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "prometheus");
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        for (int i = 0; i + 1 < files.length; i += 2) {
            Files.writeString(dir.resolve(files[i]), files[i + 1]);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(binary(), "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Prometheus prometheus = new Prometheus(p, port, dir);
        Api root = new Api("http://127.0.0.1:" + port, null);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(p.isAlive()).as("Prometheus runs (its log: %s)", prometheus.log()).isTrue();
            assertThat(root.get("/-/ready").status()).isEqualTo(200);
        });
        return prometheus;
    }

    /** {@code GET /api/v1/...}. */
    public Api api() {
        return api;
    }

    /** The result vector of an instant query ({@code data.result}); empty until Prometheus answers. */
    public JsonNode query(String promql) {
        Api.Response r = api.get("/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().at("/data/result");
    }

    /** Where its log is, for a failing test's message. */
    public Path log() {
        return dir.resolve("prometheus.log");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
