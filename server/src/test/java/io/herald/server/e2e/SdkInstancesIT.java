package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The control plane's registry of SDK instances with the real SDK: a client that closes leaves it at
 * once, one that stops sending heartbeats without closing (killed) turns stale and is removed after
 * {@code herald.push.forget-after}, set short here.
 */
class SdkInstancesIT {

    private static final String TOKEN = "instances-admin-token";

    private static ConfigurableApplicationContext server;
    private static Api admin;
    private static Path cacheDir;

    @BeforeAll
    static void startServer() throws Exception {
        String db = TestInfra.createDatabase("herald_inst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN, "--herald.push.long-poll-timeout=3s",
                "--herald.push.stale-after=2s", "--herald.push.forget-after=5s", "--herald.push.forget-check=500ms");
        admin = TestServers.api(server, TOKEN);
        cacheDir = Files.createTempDirectory(Path.of("target"), "sdk-cache");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** A new app with a topic; returns {app, apiKey, topic}. */
    private static String[] appWithTopic() {
        String app = "inst-" + Long.toString(System.nanoTime(), 36);
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = "t-" + app;
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        return new String[] {app, key, topic};
    }

    private static Herald sdk(String app, String key) {
        return Herald.builder().withAppName(app).withControlPlane("http://127.0.0.1:" + TestServers.port(server), key)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, cacheDir.toString())
                .withSetting(HeraldSettings.HEARTBEAT_INTERVAL_MS, 500L)
                .build();
    }

    private static JsonNode instances(String app) {
        Api.Response r = admin.get("/apps/" + app + "/instances");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static boolean listed(String app, String instanceId) {
        for (JsonNode i : instances(app)) {
            if (i.get("instanceId").asString().equals(instanceId)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aClosedClientLeavesTheRegistryAtOnce() {
        String[] a = appWithTopic();
        Herald herald = sdk(a[0], a[1]);
        herald.listen(Binding.fanout(a[2]).withGroup("g-" + a[0]), String.class, (Message<String> m) -> { });
        herald.start();
        String id = herald.instanceId();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode list = instances(a[0]);
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.at("/0/instanceId").asString()).isEqualTo(id);
            assertThat(list.at("/0/stale").asBoolean()).isFalse();
        });

        long start = System.nanoTime();
        herald.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - start);

        // no wait: the instance is gone the moment close() returns, not after stale-after
        assertThat(instances(a[0]).size()).as("instances right after close()").isZero();
        assertThat(closing).as("close()").isLessThan(Duration.ofSeconds(30));
        // and it stays gone: no heartbeat under way brought it back
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !listed(a[0], id));
    }

    @Test
    void aClientThatStopsWithoutClosingTurnsStaleAndIsForgottenWhileALiveOneStays() {
        String[] a = appWithTopic();
        Herald live = sdk(a[0], a[1]);
        live.start();
        try {
            // a killed instance: it sent its heartbeat, as every SDK does, and then nothing more
            String killed = a[0] + "-killed";
            Api app = admin.as(a[1]);
            Api.Response hb = app.post("/clients/heartbeat", Map.of("app", a[0], "instanceId", killed, "host", "h1",
                    "sdkVersion", "1.0", "appliedConfigVersion", 1));
            assertThat(hb.status()).as(hb.toString()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(60)).until(() -> listed(a[0], live.instanceId()) && listed(a[0], killed));

            // past stale-after (2 s) it is stale, the live one is not
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, Boolean> stale = new java.util.HashMap<>();
                instances(a[0]).forEach(i -> stale.put(i.get("instanceId").asString(), i.get("stale").asBoolean()));
                assertThat(stale).containsEntry(killed, true).containsEntry(live.instanceId(), false);
            });
            // past forget-after (5 s) the sweep removed it; the one still sending heartbeats stays
            await().atMost(Duration.ofSeconds(60)).until(() -> !listed(a[0], killed));
            assertThat(listed(a[0], live.instanceId())).isTrue();
        } finally {
            live.close();
        }
        assertThat(instances(a[0]).size()).isZero();
    }

    @Test
    void anotherAppCannotDeregisterAnInstanceAndAnUnknownOneIs404() {
        String[] a = appWithTopic();
        String[] b = appWithTopic();
        assertThat(admin.as(a[1]).post("/clients/heartbeat", Map.of("app", a[0], "instanceId", "i-1", "host", "h",
                "sdkVersion", "1.0", "appliedConfigVersion", 1)).status()).isEqualTo(204);

        Api.Response stranger = admin.as(b[1]).delete("/apps/" + a[0] + "/instances/i-1");
        assertThat(stranger.status()).as(stranger.toString()).isEqualTo(403);
        assertThat(listed(a[0], "i-1")).isTrue();

        Api.Response unknown = admin.as(a[1]).delete("/apps/" + a[0] + "/instances/no-such-instance");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.isProblem()).isTrue();
        assertThat(unknown.json().get("field").asString()).isEqualTo("instanceId");

        // an admin removing it by hand is audited
        assertThat(admin.delete("/apps/" + a[0] + "/instances/i-1").status()).isEqualTo(204);
        assertThat(listed(a[0], "i-1")).isFalse();
        JsonNode audit = admin.get("/audit?objectType=instance").json();
        assertThat(audit.toString()).contains(a[0] + "/i-1");
    }

    @Test
    void forgetAfterNotLongerThanStaleAfterIsRefusedAtStartUp() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServers.start(TestInfra.databaseUrl(),
                        TestInfra.kafkaBootstrap(), TOKEN, "--herald.push.stale-after=60s", "--herald.push.forget-after=30s"))
                .hasStackTraceContaining("herald.push.forget-after (PT30S) must be longer than herald.push.stale-after (PT1M)");
    }
}
