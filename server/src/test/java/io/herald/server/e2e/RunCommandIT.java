package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README command 1, as a new user runs it: {@code ops/run} on an empty data directory starts its
 * own PostgreSQL and Kafka, seeds the demo and becomes healthy; started again, it finds its data.
 */
class RunCommandIT {

    private static final String TOKEN = "run-command-admin-token";

    @Test
    void runCommandReachesHealthyAndFindsItsDataAgain() throws Exception {
        Path root = repositoryRoot();
        Path dataDir = Files.createTempDirectory(root.resolve("server/target"), "run-data");
        Map<String, String> env = Map.of(
                "HERALD_DATA_DIR", dataDir.toString(),
                "HERALD_PG_PORT", String.valueOf(freePort()),
                "HERALD_KAFKA_PORT", String.valueOf(freePort()),
                "HERALD_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()),
                "SERVER_PORT", String.valueOf(freePort()),
                "HERALD_ADMIN_TOKEN", TOKEN,
                "HERALD_ADMIN_PASSWORD", "run-command-password",
                // the suite built the jar moments ago; the build itself is not under test here
                "HERALD_SKIP_BUILD", "1");
        Api api = new Api("http://127.0.0.1:" + env.get("SERVER_PORT") + "/api/v1", TOKEN);
        Api health = new Api("http://127.0.0.1:" + env.get("SERVER_PORT") + "/actuator", null);

        // first start: empty data directory
        Process first = start(root, env, dataDir.resolve("first.log"));
        try {
            awaitReady(health, first, dataDir.resolve("first.log"));
            assertThat(api.get("/topics/orders").json().get("types").size()).isEqualTo(2);
            assertThat(api.get("/bindings?group=shipping").json().size()).isEqualTo(1);
            assertThat(api.post("/apps", Map.of("name", "kept-across-restarts")).status()).isEqualTo(201);
        } finally {
            stop(first);
        }
        assertThat(Files.readString(dataDir.resolve("first.log"))).contains("Herald is ready");

        // second start: the same data directory
        Process second = start(root, env, dataDir.resolve("second.log"));
        try {
            awaitReady(health, second, dataDir.resolve("second.log"));
            assertThat(api.get("/apps/kept-across-restarts").status()).isEqualTo(200);
            assertThat(api.get("/topics/orders").json().at("/kafka/exists").asBoolean()).isTrue();
            // the demo was seeded once, not again
            assertThat(api.get("/audit?objectType=app&objectId=shop").json().size()).isEqualTo(1);
        } finally {
            stop(second);
        }
    }

    private static Process start(Path root, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("ops/run").toString()).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_") || k.equals("SERVER_PORT"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitReady(Api health, Process process, Path log) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            assertThat(process.isAlive()).as("ops/run exited early; see %s", log).isTrue();
            assertThat(health.get("/health/readiness").status()).isEqualTo(200);
        });
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("ops/run"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root with ops/run").isNotNull();
        return dir;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
