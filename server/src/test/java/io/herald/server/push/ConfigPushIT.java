package io.herald.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

class ConfigPushIT extends ServerTest {

    @Autowired
    ConfigPush push;

    private record AppWithKey(String name, String key, Api api) {
    }

    private AppWithKey appWithBinding() {
        String app = unique("push");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = unique("pt");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", java.util.List.of(Map.of("name", "a"), Map.of("name", "b"))));
        admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", topic, "kind", "DIRECT", "typePattern", "a"));
        return new AppWithKey(app, key, admin.as(key));
    }

    @Test
    void snapshotHoldsTheAppsTopicsTypesAndBindings() {
        AppWithKey app = appWithBinding();
        Api.Response r = app.api().get("/config/" + app.name() + "?since=0");
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.get("app").asString()).isEqualTo(app.name());
        assertThat(s.get("version").asLong()).isPositive();
        assertThat(s.at("/topics/0/canProduce").asBoolean()).isTrue();
        assertThat(s.at("/topics/0/types").size()).isEqualTo(2);
        assertThat(s.at("/bindings/0/kind").asString()).isEqualTo("DIRECT");
        assertThat(s.at("/bindings/0/typePattern").asString()).isEqualTo("a");
        assertThat(s.at("/bindings/0/deadLetterTopic").asString()).endsWith(".dlt");
    }

    @Test
    void aTopicsTraceSampleRateReachesItsAppsSdksWithTheServersDefaultForTheOthers() {
        AppWithKey app = appWithBinding();
        String topic = app.api().get("/config/" + app.name()).json().at("/topics/0/name").asString();
        String other = unique("pt");
        admin.post("/topics", Map.of("name", other, "app", app.name(), "partitions", 1, "replicationFactor", 1));

        Api.Response set = admin.patch("/topics/" + topic, Map.of("traceSampleRate", 0.25));

        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().get("traceSampleRate").asDouble()).isEqualTo(0.25);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode tracing = app.api().get("/config/" + app.name()).json().get("tracing");
            assertThat(tracing.get("defaultSampleRate").asDouble()).isEqualTo(1.0);
            assertThat(tracing.get("maxSampledPerSecond").asInt()).isEqualTo(100);
            assertThat(tracing.at("/topicSampleRates/" + topic).asDouble()).isEqualTo(0.25);
            assertThat(tracing.get("topicSampleRates").has(other)).isFalse();
        });
        // -1: back to the server's default
        assertThat(admin.patch("/topics/" + topic, Map.of("traceSampleRate", -1)).json().has("traceSampleRate")).isFalse();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                app.api().get("/config/" + app.name()).json().at("/tracing/topicSampleRates").has(topic)).isFalse());
        Api.Response bad = admin.patch("/topics/" + topic, Map.of("traceSampleRate", 2));
        assertThat(bad.status()).isIn(400, 422);
        assertThat(bad.json().get("field").asString()).isEqualTo("traceSampleRate");
    }

    @Test
    void heldPollAnswersAtOnceWhenTheCatalogChanges() throws Exception {
        AppWithKey app = appWithBinding();
        JsonNode first = app.api().get("/config/" + app.name()).json();
        long version = first.get("version").asLong();
        long bindingId = first.at("/bindings/0/id").asLong();

        CompletableFuture<Api.Response> held = CompletableFuture.supplyAsync(() ->
                app.api().get("/config/" + app.name() + "?since=" + version));
        // the poll is held before the change
        await().atMost(Duration.ofSeconds(60)).until(() -> push.waiting(app.name()) == 1);
        long changedAt = System.nanoTime();
        assertThat(admin.patch("/bindings/" + bindingId, Map.of("typePattern", "b")).status()).isEqualTo(200);
        Api.Response answer = held.get(60, TimeUnit.SECONDS);
        long tookMs = Duration.ofNanos(System.nanoTime() - changedAt).toMillis();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("version").asLong()).isGreaterThan(version);
        assertThat(answer.json().at("/bindings/0/typePattern").asString()).isEqualTo("b");
        assertThat(tookMs).isLessThan(2000);
    }

    @Test
    void pollWithoutChangeAnswers304AfterTheHoldTime() {
        AppWithKey app = appWithBinding();
        long version = app.api().get("/config/" + app.name()).json().get("version").asLong();
        // other tests may change the catalog meanwhile: a 200 must then carry a newer version
        Api.Response r = app.api().get("/config/" + app.name() + "?since=" + (version + 1_000_000));
        assertThat(r.status()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void changeThroughOneInstanceWakesPollHeldByAnother() throws Exception {
        AppWithKey app = appWithBinding();
        try (ConfigurableApplicationContext second = TestServers.start(TestInfra.databaseUrl(),
                TestInfra.kafkaBootstrap(), ADMIN_TOKEN, "--herald.push.long-poll-timeout=20s")) {
            int port2 = ((WebServerApplicationContext) second).getWebServer().getPort();
            Api appOn2 = new Api("http://127.0.0.1:" + port2 + "/api/v1", app.key());
            JsonNode first = appOn2.get("/config/" + app.name()).json();
            long version = first.get("version").asLong();
            long bindingId = first.at("/bindings/0/id").asLong();

            CompletableFuture<Api.Response> held = CompletableFuture.supplyAsync(() ->
                    appOn2.get("/config/" + app.name() + "?since=" + version));
            ConfigPush pushOn2 = second.getBean(ConfigPush.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> pushOn2.waiting(app.name()) == 1);
            admin.patch("/bindings/" + bindingId, Map.of("paused", true));
            Api.Response answer = held.get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().at("/bindings/0/paused").asBoolean()).isTrue();
        }
    }

    @Test
    void heartbeatsListInstancesWithTheirAppliedVersion() {
        AppWithKey app = appWithBinding();
        long version = app.api().get("/config/" + app.name()).json().get("version").asLong();
        Api.Response hb = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-1",
                "host", "node-a", "sdkVersion", "0.1.0", "appliedConfigVersion", version));
        assertThat(hb.status()).isEqualTo(204);
        JsonNode list = app.api().get("/apps/" + app.name() + "/instances").json();
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.at("/0/host").asString()).isEqualTo("node-a");
        assertThat(list.at("/0/appliedConfigVersion").asLong()).isEqualTo(version);
        assertThat(list.at("/0/stale").asBoolean()).isFalse();

        Api.Response bad = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "appliedConfigVersion", 0));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("field").asString()).isEqualTo("instanceId");
    }
}
