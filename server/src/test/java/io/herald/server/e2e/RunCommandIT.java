package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ConsoleLogin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * README command 1, as a new user runs it: {@code ops/run} on an empty data directory starts its
 * own PostgreSQL and Kafka, seeds the demo, generates the admin token and password, keeps them in a
 * 0600 file of the data directory and becomes healthy; started again, it finds its data, says
 * where the secrets are, and a start with {@code HERALD_ADMIN_PASSWORD} resets a lost password.
 */
class RunCommandIT {

    @Test
    void runCommandReachesHealthyKeepsGeneratedSecretsAndFindsItsDataAgain() throws Exception {
        Path root = repositoryRoot();
        Path dataDir = Files.createTempDirectory(root.resolve("server/target"), "run-data");
        Map<String, String> env = new HashMap<>(Map.of(
                "HERALD_DATA_DIR", dataDir.toString(),
                "HERALD_PG_PORT", String.valueOf(freePort()),
                "HERALD_KAFKA_PORT", String.valueOf(freePort()),
                "HERALD_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()),
                "SERVER_PORT", String.valueOf(freePort()),
                "HERALD_GRPC_PORT", String.valueOf(freePort()),
                // the suite built the jar moments ago; the build itself is not under test here
                "HERALD_SKIP_BUILD", "1"));
        String base = "http://127.0.0.1:" + env.get("SERVER_PORT");
        Api health = new Api(base + "/actuator", null);
        Path secrets = dataDir.resolve("secrets.properties");

        // first start: empty data directory, no secrets given
        Process first = start(root, env, dataDir.resolve("first.log"));
        Api api;
        String generatedPassword;
        try {
            awaitReady(health, first, dataDir.resolve("first.log"));
            assertThat(Files.getPosixFilePermissions(secrets)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Properties kept = new Properties();
            try (var in = Files.newBufferedReader(secrets)) {
                kept.load(in);
            }
            assertThat(kept.getProperty("shop-api-key")).startsWith("hk_");
            generatedPassword = kept.getProperty("admin-password");
            assertThat(generatedPassword).isNotBlank();
            api = new Api(base + "/api/v1", kept.getProperty("admin-token"));
            assertThat(api.get("/topics/orders").json().get("types").size()).isEqualTo(2);
            assertThat(api.get("/bindings?group=shipping").json().size()).isEqualTo(1);
            assertThat(api.post("/apps", Map.of("name", "kept-across-restarts")).status()).isEqualTo(201);
            assertThat(ConsoleLogin.signIn(base, "admin", generatedPassword)).isTrue();
        } finally {
            stop(first);
        }
        String firstLog = Files.readString(dataDir.resolve("first.log"));
        assertThat(firstLog).contains("Herald is ready").contains("are in " + secrets);

        // second start: the same data directory, and the admin password "lost": HERALD_ADMIN_PASSWORD resets it
        env.put("HERALD_ADMIN_PASSWORD", "recovered-password-42");
        Process second = start(root, env, dataDir.resolve("second.log"));
        try {
            awaitReady(health, second, dataDir.resolve("second.log"));
            assertThat(api.get("/apps/kept-across-restarts").status()).isEqualTo(200);
            assertThat(api.get("/topics/orders").json().at("/kafka/exists").asBoolean()).isTrue();
            // the demo was seeded once, not again
            assertThat(api.get("/audit?objectType=app&objectId=shop").json().size()).isEqualTo(1);
            assertThat(ConsoleLogin.signIn(base, "admin", "recovered-password-42")).isTrue();
            assertThat(ConsoleLogin.signIn(base, "admin", generatedPassword)).isFalse();
            JsonNode audit = api.get("/audit?objectType=console-user&objectId=admin").json();
            assertThat(audit.size()).isEqualTo(1);
            assertThat(audit.get(0).get("action").asString()).isEqualTo("reset-password");
        } finally {
            stop(second);
        }
        String secondLog = Files.readString(dataDir.resolve("second.log"));
        assertThat(secondLog).contains("password of console user 'admin' was reset").doesNotContain("recovered-password-42")
                .contains("are in " + secrets);
        assertThat(Files.readString(secrets)).doesNotContain(generatedPassword).contains("# admin-password: replaced");
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
