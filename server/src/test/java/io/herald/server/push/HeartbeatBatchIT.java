package io.herald.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Heartbeats are coalesced and written in multi-row upserts ({@code herald.push.heartbeat-flush}, 1 s
 * here) without the registry getting any less right: a new instance is listed when its first heartbeat
 * is answered, a changed field too, refreshes move {@code last_seen} within about a second (in far fewer
 * statements than heartbeats), an instance that stops goes stale and is swept, and a refresh still
 * waiting does not bring back an instance that deregistered.
 */
class HeartbeatBatchIT {

    private static final String TOKEN = "heartbeat-batch-admin-token";

    private static ConfigurableApplicationContext server;
    private static Api admin;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void startServer() {
        String db = TestInfra.createDatabase("herald_hb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN, "--herald.push.heartbeat-flush=1s",
                "--herald.push.stale-after=4s", "--herald.push.forget-after=60s", "--herald.push.forget-check=500ms",
                "--spring.datasource.hikari.maximum-pool-size=10");
        admin = TestServers.api(server, TOKEN);
        jdbc = server.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String[] app() {
        String app = "hb-" + Long.toString(System.nanoTime(), 36);
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        return new String[] {app, key};
    }

    private static Api.Response heartbeat(Api api, String app, String id, long version) {
        return api.post("/clients/heartbeat", Map.of("app", app, "instanceId", id, "host", "h-" + id, "sdkVersion", "1.0",
                "appliedConfigVersion", version));
    }

    private static Map<String, JsonNode> listed(String app) {
        Api.Response r = admin.get("/apps/" + app + "/instances");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Map<String, JsonNode> byId = new HashMap<>();
        r.json().forEach(i -> byId.put(i.get("instanceId").asString(), i));
        return byId;
    }

    private static Timestamp lastSeen(String app, String id) {
        return jdbc.queryForObject("SELECT c.last_seen FROM client_instance c JOIN app a ON a.id = c.app_id"
                + " WHERE a.name = ? AND c.instance_id = ?", Timestamp.class, app, id);
    }

    /** Runs {@code each} for every id from 50 threads at once, as a fleet's heartbeats arrive. */
    private static void fleet(List<String> ids, java.util.function.Consumer<String> each) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(50);
        try {
            List<java.util.concurrent.Future<?>> all = ids.stream().<java.util.concurrent.Future<?>>map(id -> pool.submit(() -> each.accept(id))).toList();
            for (java.util.concurrent.Future<?> f : all) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNewInstanceAndAChangedVersionAreListedWhenTheHeartbeatIsAnsweredAndRefreshesFollowWithinTheFlush() {
        String[] a = app();
        Api api = admin.as(a[1]);
        assertThat(heartbeat(api, a[0], "i-1", 1).status()).isEqualTo(204);
        assertThat(listed(a[0])).containsKey("i-1");
        assertThat(heartbeat(api, a[0], "i-1", 2).status()).isEqualTo(204);
        assertThat(listed(a[0]).get("i-1").get("appliedConfigVersion").asLong()).isEqualTo(2);

        // a refresh (nothing changed) moves last_seen with the next flush
        Timestamp before = lastSeen(a[0], "i-1");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(heartbeat(api, a[0], "i-1", 2).status()).isEqualTo(204);
            return lastSeen(a[0], "i-1").after(before);
        });
        assertThat(listed(a[0]).get("i-1").get("appliedConfigVersion").asLong()).isEqualTo(2);
    }

    @Test
    void fiveHundredInstancesRefreshingAreWrittenInAFewStatementsAndAllStayListed() {
        String[] a = app();
        Api api = admin.as(a[1]);
        List<String> ids = IntStream.range(0, 500).mapToObj(i -> "pod-" + i).toList();
        fleet(ids, id -> assertThat(heartbeat(api, a[0], id, 1).status()).isEqualTo(204));
        assertThat(listed(a[0])).hasSize(500);
        Instant firstRound = Instant.now();

        // when every instance sends a heartbeat that changes nothing
        HeartbeatWriter writer = server.getBean(HeartbeatWriter.class);
        long statementsBefore = writer.statements();
        fleet(ids, id -> assertThat(heartbeat(api, a[0], id, 1).status()).isEqualTo(204));

        // then all of them are refreshed within a few seconds...
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM client_instance c"
                + " JOIN app a ON a.id = c.app_id WHERE a.name = ? AND c.last_seen >= ?", Integer.class, a[0],
                Timestamp.from(firstRound.minusMillis(500))) == 500);
        // ...by a few multi-row upserts (about one a second), not one statement each
        assertThat(writer.statements() - statementsBefore).isLessThan(100);
        assertThat(listed(a[0]).values()).allSatisfy(i -> assertThat(i.get("stale").asBoolean()).isFalse());
    }

    @Test
    void anInstanceThatStopsGoesStaleAndIsSweptWhileOneStillRefreshingStays() {
        String[] a = app();
        Api api = admin.as(a[1]);
        assertThat(heartbeat(api, a[0], "live", 1).status()).isEqualTo(204);
        assertThat(heartbeat(api, a[0], "killed", 1).status()).isEqualTo(204);
        // an instance silent since long ago (forget-after is 60 s)
        jdbc.update("INSERT INTO client_instance (app_id, instance_id, host, sdk_version, applied_version, last_seen)"
                + " SELECT id, 'gone', 'h', '1.0', 1, ? FROM app WHERE name = ?", Timestamp.from(Instant.now().minusSeconds(600)), a[0]);

        // "live" keeps sending (batched) heartbeats, "killed" sends no more
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(heartbeat(api, a[0], "live", 1).status()).isEqualTo(204);
            Map<String, JsonNode> now = listed(a[0]);
            return !now.containsKey("gone") && now.containsKey("killed") && now.get("killed").get("stale").asBoolean();
        });
        assertThat(listed(a[0]).get("live").get("stale").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(heartbeat(api, a[0], "live", 1).status()).isEqualTo(204);
            return !listed(a[0]).containsKey("killed");
        });
        Map<String, JsonNode> last = listed(a[0]);
        assertThat(last).containsOnlyKeys("live");
        assertThat(last.get("live").get("stale").asBoolean()).isFalse();
    }

    @Test
    void aRefreshStillWaitingDoesNotBringBackAnInstanceThatDeregistered() {
        String[] a = app();
        Api api = admin.as(a[1]);
        assertThat(heartbeat(api, a[0], "leaving", 1).status()).isEqualTo(204);
        // a refresh waits for the flush, then the SDK closes and deregisters
        assertThat(heartbeat(api, a[0], "leaving", 1).status()).isEqualTo(204);
        assertThat(api.delete("/apps/" + a[0] + "/instances/leaving").status()).isEqualTo(204);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> !listed(a[0]).containsKey("leaving"));
    }
}
