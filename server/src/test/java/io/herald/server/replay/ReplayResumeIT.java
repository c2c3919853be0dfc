package io.herald.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.HeraldServer;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Replay jobs outliving their server: a stopped server hands its job to the next one, a job whose
 * instance went silent is taken over once the lease runs out, and a server process killed with
 * SIGKILL mid-replay loses nothing. Every record of the window arrives at least once.
 */
class ReplayResumeIT {

    private static final String TOKEN = "resume-admin-token";

    private static final String[] SETTINGS = {"--herald.replay.lease=3s", "--herald.replay.progress-interval=200ms",
            "--herald.replay.claim-interval=300ms", "--herald.trace.enabled=false"};

    private static ConfigurableApplicationContext server(String db) {
        return TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN, SETTINGS);
    }

    /** A Herald server in a JVM of its own, so that it can be killed the hard way. */
    private static Process serverProcess(String db, int port, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), HeraldServer.class.getName()));
        command.addAll(List.of("--server.port=" + port, "--herald.grpc.port=0", "--spring.datasource.url=" + db,
                "--spring.datasource.username=" + TestInfra.dbUser(), "--spring.datasource.password=" + TestInfra.dbPassword(),
                "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(), "--herald.security.admin-token=" + TOKEN));
        command.addAll(List.of(SETTINGS));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Api api(ConfigurableApplicationContext server) {
        return TestServers.api(server, TOKEN);
    }

    private static String db() {
        return TestInfra.createDatabase("herald_resume_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    }

    /** App, topic with three partitions, a group; {@code n} records; a rate-capped replay of all of them. */
    private static long startJob(Api api, String name, int n, int rate) throws Exception {
        api.post("/apps", Map.of("name", name));
        assertThat(api.post("/topics", Map.of("name", name, "app", name, "partitions", 3, "replicationFactor", 1)).status()).isEqualTo(201);
        assertThat(api.post("/bindings", Map.of("app", name, "group", "g-" + name, "topic", name, "kind", "FANOUT")).status()).isEqualTo(201);
        long base = System.currentTimeMillis() - 3_600_000; // one record a second, all of them in the past
        ReplayIT.produce(name, "r", n, base);
        Api.Response started = api.post("/replays", Map.of("topic", name, "from", String.valueOf(base),
                "target", Map.of("group", "g-" + name), "ratePerSecond", rate));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        return started.json().get("id").asLong();
    }

    /** Every record arrived at least once, and the job's counters say how many were written, repeats included. */
    private static void assertEveryRecordArrived(String name, int n, JsonNode done) {
        List<ConsumerRecord<byte[], byte[]>> copies = ReplayFixtures.readAll(HeraldTopics.replay("g-" + name));
        Set<String> ids = new HashSet<>(ReplayIT.ids(copies));
        assertThat(ids).hasSize(n).containsAll(ReplayIT.range("r", 0, n));
        assertThat(done.get("copied").asLong()).as("copied: each source record once").isEqualTo(n);
        assertThat(done.get("written").asLong()).as("written: every record in the target, repeats included")
                .isEqualTo(copies.size());
        System.out.printf("%d records replayed with %d copies (%d repeated after the hand-over); job copied=%d written=%d%n", n,
                copies.size(), copies.size() - n, done.get("copied").asLong(), done.get("written").asLong());
    }

    @Test
    void aJobResumesOnTheNextServerAfterItsServerStops() throws Exception {
        String db = db();
        String name = "resume-" + Long.toString(System.nanoTime(), 36);
        int n = 240;
        long id;
        long copiedBefore;
        JsonNode done;
        try (ConfigurableApplicationContext first = server(db)) {
            Api api = api(first);
            id = startJob(api, name, n, 60);
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/replays/" + id).json().get("copied").asLong() >= 40);
            copiedBefore = api.get("/replays/" + id).json().get("copied").asLong();
        }
        // the stopped server handed the job back with its progress
        try (ConfigurableApplicationContext second = server(db)) {
            Api api = api(second);
            JsonNode before = api.get("/replays/" + id).json();
            assertThat(before.get("state").asString()).isIn("RUNNING", "DONE");
            assertThat(before.get("copied").asLong()).isGreaterThanOrEqualTo(copiedBefore);
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/replays/" + id).json().get("state").asString().equals("DONE"));
            done = api.get("/replays/" + id).json();
            assertThat(done.get("percent").asInt()).isEqualTo(100);
        }
        assertEveryRecordArrived(name, n, done);
    }

    @Test
    void aJobSurvivesItsServerProcessBeingKilled() throws Exception {
        String db = db();
        String name = "killed-" + Long.toString(System.nanoTime(), 36);
        int n = 240;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("herald-killed-server", ".log");
        Process victim = serverProcess(db, port, log);
        long id;
        long copiedBefore;
        JsonNode done;
        try {
            Api api = new Api("http://127.0.0.1:" + port + "/api/v1", TOKEN);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().untilAsserted(() -> {
                assertThat(victim.isAlive()).as("server exited early; see %s", log).isTrue();
                assertThat(api.get("/apps").status()).isEqualTo(200);
            });
            id = startJob(api, name, n, 60);
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/replays/" + id).json().get("copied").asLong() >= 40);
            copiedBefore = api.get("/replays/" + id).json().get("copied").asLong();
        } finally {
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-over, the lease is simply left behind
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(victim.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        try (Connection c = DriverManager.getConnection(db, TestInfra.dbUser(), TestInfra.dbPassword());
             var rs = c.createStatement().executeQuery("SELECT state FROM replay_job WHERE id = " + id)) {
            rs.next();
            assertThat(rs.getString(1)).as("the killed server could not hand the job back").isEqualTo("RUNNING");
        }
        try (ConfigurableApplicationContext next = server(db)) {
            Api api = api(next);
            await().atMost(Duration.ofSeconds(90)).until(() -> api.get("/replays/" + id).json().get("state").asString().equals("DONE"));
            done = api.get("/replays/" + id).json();
            assertThat(done.get("percent").asInt()).isEqualTo(100);
            assertThat(done.get("copied").asLong()).isGreaterThanOrEqualTo(Math.max(n, copiedBefore));
        }
        assertEveryRecordArrived(name, n, done);
    }

    @Test
    void aJobWhoseInstanceWentSilentIsTakenOverWhenItsLeaseRunsOut() throws Exception {
        String db = db();
        String name = "takeover-" + Long.toString(System.nanoTime(), 36);
        int n = 200;
        try (ConfigurableApplicationContext a = server(db); ConfigurableApplicationContext b = server(db)) {
            Api api = api(a);
            long id = startJob(api, name, n, 80);
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/replays/" + id).json().get("copied").asLong() >= 30);
            String owner = api.get("/replays/" + id).json().get("owner").asString();
            // the owner stalls (a long pause, a lost network): here its lease is handed to an instance that never
            // comes, so the owner finds at its next progress step that it lost the job and must stop
            try (Connection c = DriverManager.getConnection(db, TestInfra.dbUser(), TestInfra.dbPassword())) {
                c.createStatement().executeUpdate("UPDATE replay_job SET owner = 'stalled', lease_until = now() + interval '2 seconds'"
                        + " WHERE id = " + id);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/replays/" + id).json().get("state").asString().equals("DONE"));
            JsonNode done = api(b).get("/replays/" + id).json();
            assertThat(done.get("copied").asLong()).isGreaterThanOrEqualTo(n);
            try (Connection c = DriverManager.getConnection(db, TestInfra.dbUser(), TestInfra.dbPassword());
                 var rs = c.createStatement().executeQuery("SELECT claims FROM replay_job WHERE id = " + id)) {
                rs.next();
                assertThat(rs.getInt(1)).as("claimed by %s first, then again after the lease ran out", owner).isGreaterThanOrEqualTo(2);
            }
            assertEveryRecordArrived(name, n, done);
        }
    }
}
