package io.herald.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import io.herald.server.support.ConsoleLogin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

class ConfigPushIT extends ServerTest {

    @Autowired
    ConfigPush push;

    /**
     * A second server instance on the same PostgreSQL, shared by the tests that need one. Its periodic
     * re-read of the versions is 10 minutes: only a NOTIFY can wake its polls within a test.
     */
    private static ConfigurableApplicationContext second;

    private static synchronized ConfigurableApplicationContext second() {
        if (second == null) {
            second = TestServers.start(TestInfra.databaseUrl(), TestInfra.kafkaBootstrap(), ADMIN_TOKEN,
                    "--herald.push.long-poll-timeout=20s", "--herald.push.version-check=10m");
        }
        return second;
    }

    @AfterAll
    static synchronized void stopSecond() {
        if (second != null) {
            second.close();
            second = null;
        }
    }

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
        int port2 = ((WebServerApplicationContext) second()).getWebServer().getPort();
        Api appOn2 = new Api("http://127.0.0.1:" + port2 + "/api/v1", app.key());
        JsonNode first = appOn2.get("/config/" + app.name()).json();
        long version = first.get("version").asLong();
        long bindingId = first.at("/bindings/0/id").asLong();

        CompletableFuture<Api.Response> held = CompletableFuture.supplyAsync(() ->
                appOn2.get("/config/" + app.name() + "?since=" + version));
        ConfigPush pushOn2 = second().getBean(ConfigPush.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> pushOn2.waiting(app.name()) == 1);
        admin.patch("/bindings/" + bindingId, Map.of("paused", true));
        Api.Response answer = held.get(60, TimeUnit.SECONDS);
        // without the NOTIFY the poll would answer 304 after its 20 s (the re-read comes after 10 min)
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().at("/bindings/0/paused").asBoolean()).isTrue();
    }

    private CompletableFuture<Api.Response> hold(AppWithKey app, long since) {
        CompletableFuture<Api.Response> held = CompletableFuture.supplyAsync(() ->
                app.api().get("/config/" + app.name() + "?since=" + since));
        await().atMost(Duration.ofSeconds(60)).until(() -> push.waiting(app.name()) == 1);
        return held;
    }

    private static long version(AppWithKey app) {
        return app.api().get("/config/" + app.name()).json().get("version").asLong();
    }

    @Test
    void aChangeAnswersOnlyThePollsOfTheAppsWhoseSnapshotItChanges() throws Exception {
        // given a topic of one app (its producer), bound by a second app (its consumer), and an unrelated third app
        AppWithKey producer = appWithBinding();
        String topic = producer.api().get("/config/" + producer.name()).json().at("/bindings/0/topic").asString();
        AppWithKey consumer = appWithBinding();
        Api.Response bound = admin.post("/bindings", Map.of("app", consumer.name(), "group", "g2-" + consumer.name(),
                "topic", topic, "kind", "FANOUT"));
        assertThat(bound.status()).as(bound.toString()).isEqualTo(201);
        AppWithKey unrelated = appWithBinding();
        long producerAt = version(producer);
        long consumerAt = version(consumer);
        long unrelatedAt = version(unrelated);

        // when the topic gets a new type
        CompletableFuture<Api.Response> producerPoll = hold(producer, producerAt);
        CompletableFuture<Api.Response> consumerPoll = hold(consumer, consumerAt);
        CompletableFuture<Api.Response> unrelatedPoll = hold(unrelated, unrelatedAt);
        assertThat(admin.post("/topics/" + topic + "/types", Map.of("name", "c")).status()).isEqualTo(201);

        // then its producer's and consumer's polls answer with it, the third app's is held until it times out
        Api.Response toProducer = producerPoll.get(60, TimeUnit.SECONDS);
        assertThat(toProducer.status()).isEqualTo(200);
        assertThat(toProducer.json().get("version").asLong()).isGreaterThan(producerAt);
        assertThat(toProducer.json().at("/topics/0/types").size()).isEqualTo(3);
        Api.Response toConsumer = consumerPoll.get(60, TimeUnit.SECONDS);
        assertThat(toConsumer.status()).isEqualTo(200);
        assertThat(toConsumer.json().get("version").asLong()).isGreaterThan(consumerAt);
        assertThat(unrelatedPoll.get(60, TimeUnit.SECONDS).status()).isEqualTo(304);
        assertThat(version(unrelated)).isEqualTo(unrelatedAt);

        // when the consumer's binding changes, only the consumer hears of it: no snapshot of the producer holds it
        long producerNow = version(producer);
        long consumerNow = version(consumer);
        CompletableFuture<Api.Response> producerAgain = hold(producer, producerNow);
        CompletableFuture<Api.Response> consumerAgain = hold(consumer, consumerNow);
        assertThat(admin.patch("/bindings/" + bound.json().get("id").asLong(), Map.of("paused", true)).status()).isEqualTo(200);
        Api.Response changed = consumerAgain.get(60, TimeUnit.SECONDS);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("version").asLong()).isGreaterThan(consumerNow);
        assertThat(producerAgain.get(60, TimeUnit.SECONDS).status()).isEqualTo(304);
        assertThat(version(producer)).isEqualTo(producerNow);
    }

    @Test
    void aScheduleEditWakesNobody() throws Exception {
        AppWithKey app = appWithBinding();
        String topic = app.api().get("/config/" + app.name()).json().at("/bindings/0/topic").asString();
        long version = version(app);
        CompletableFuture<Api.Response> held = hold(app, version);

        Api.Response created = app.api().post("/schedules", Map.of("app", app.name(), "name", unique("s"), "topic", topic,
                "type", "a", "payload", Map.of("job", "cleanup"), "key", "k", "cron", "0 0 3 * * *"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(app.api().patch("/schedules/" + created.json().get("id").asLong(), Map.of("paused", true)).status())
                .isEqualTo(200);

        assertThat(held.get(60, TimeUnit.SECONDS).status()).isEqualTo(304);
        assertThat(version(app)).isEqualTo(version);
    }

    @Test
    void anAppsVersionOnlyGrowsWhicheverServerTheChangesGoThrough() throws Exception {
        AppWithKey app = appWithBinding();
        int port2 = ((WebServerApplicationContext) second()).getWebServer().getPort();
        Api adminOn2 = new Api("http://127.0.0.1:" + port2 + "/api/v1", ADMIN_TOKEN);
        Api appOn1 = app.api();
        Api appOn2 = new Api("http://127.0.0.1:" + port2 + "/api/v1", app.key());
        long bindingId = appOn1.get("/config/" + app.name()).json().at("/bindings/0/id").asLong();
        long last = version(app);

        // one change after another, through either server: both then serve a newer version, the same one
        for (int i = 0; i < 6; i++) {
            Api through = i % 2 == 0 ? admin : adminOn2;
            assertThat(through.patch("/bindings/" + bindingId, Map.of("concurrency", i + 1)).status()).isEqualTo(200);
            Api.Response on1 = appOn1.get("/config/" + app.name() + "?since=" + last);
            Api.Response on2 = appOn2.get("/config/" + app.name() + "?since=" + last);
            assertThat(on1.status()).isEqualTo(200);
            assertThat(on2.status()).isEqualTo(200);
            long now = on1.json().get("version").asLong();
            assertThat(now).isGreaterThan(last);
            assertThat(on2.json().get("version").asLong()).isEqualTo(now);
            assertThat(on2.json().at("/bindings/0/concurrency").asInt()).isEqualTo(i + 1);
            last = now;
        }

        // changes at the same time through both servers: each one counts
        List<CompletableFuture<Api.Response>> changes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Api through = i % 2 == 0 ? admin : adminOn2;
            int concurrency = 10 + i;
            changes.add(CompletableFuture.supplyAsync(() ->
                    through.patch("/bindings/" + bindingId, Map.of("concurrency", concurrency))));
        }
        for (CompletableFuture<Api.Response> c : changes) {
            assertThat(c.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        long before = last;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            long on1 = appOn1.get("/config/" + app.name()).json().get("version").asLong();
            long on2 = appOn2.get("/config/" + app.name()).json().get("version").asLong();
            assertThat(on1).isGreaterThanOrEqualTo(before + 10);
            assertThat(on2).isEqualTo(on1);
        });
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

    @Test
    void anApplyErrorInTheHeartbeatShowsOnTheInstancesApiAndPageAndInTheMetric() throws Exception {
        // given an instance that runs on version N but could not apply N + 1
        AppWithKey app = appWithBinding();
        long version = version(app);
        String error = "Config version " + (version + 1) + " not applied: binding 7 (group 'g' on topic 't'):"
                + " type pattern does not compile in Java: Unclosed group near index 3 <b>(ab</b>";
        Api.Response hb = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-err",
                "host", "node-a", "sdkVersion", "0.1.0", "appliedConfigVersion", version,
                "applyErrorVersion", version + 1, "applyError", error));
        assertThat(hb.status()).as(hb.toString()).isEqualTo(204);

        // then the API lists it with the version it runs, the one it refused and why
        JsonNode listed = app.api().get("/apps/" + app.name() + "/instances").json().get(0);
        assertThat(listed.get("appliedConfigVersion").asLong()).isEqualTo(version);
        assertThat(listed.get("applyErrorVersion").asLong()).isEqualTo(version + 1);
        assertThat(listed.get("applyError").asString()).isEqualTo(error);

        // and the console's instances page shows it, escaped
        ConsoleLogin console = ConsoleLogin.session(baseUrl(), "admin", ADMIN_PASSWORD);
        String page = console.get("/apps/" + app.name() + "/instances").body();
        assertThat(page).contains("version " + (version + 1) + " not applied")
                .contains("Unclosed group near index 3 &lt;b&gt;(ab&lt;/b&gt;").doesNotContain("<b>(ab")
                .contains("1 could not apply their config");

        // and herald_config_apply_errors counts it for the app
        Pattern one = Pattern.compile("herald_config_apply_errors\\{[^}]*app=\"" + Pattern.quote(app.name()) + "\"[^}]*} 1\\.0");
        await().atMost(Duration.ofSeconds(60)).until(() -> one.matcher(scrape()).find());

        // when the next heartbeat reports no error (it applied a later version), it is gone everywhere
        assertThat(app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-err",
                "appliedConfigVersion", version + 2)).status()).isEqualTo(204);
        JsonNode after = app.api().get("/apps/" + app.name() + "/instances").json().get(0);
        assertThat(after.path("applyError").isNull() || after.path("applyError").isMissingNode()).isTrue();
        assertThat(after.path("applyErrorVersion").isNull() || after.path("applyErrorVersion").isMissingNode()).isTrue();
        assertThat(console.get("/apps/" + app.name() + "/instances").body()).doesNotContain("not applied");
        Pattern zero = Pattern.compile("herald_config_apply_errors\\{[^}]*app=\"" + Pattern.quote(app.name()) + "\"[^}]*} 0\\.0");
        await().atMost(Duration.ofSeconds(60)).until(() -> zero.matcher(scrape()).find());
    }

    @Test
    void heartbeatApplyErrorFieldsAreValidated() {
        AppWithKey app = appWithBinding();
        Api.Response tooLong = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-1",
                "appliedConfigVersion", 1, "applyErrorVersion", 2, "applyError", "x".repeat(2001)));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.isProblem()).isTrue();
        assertThat(tooLong.json().get("field").asString()).isEqualTo("applyError");

        Api.Response negative = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-1",
                "appliedConfigVersion", 1, "applyErrorVersion", -1, "applyError", "bad"));
        assertThat(negative.status()).isEqualTo(422);
        assertThat(negative.json().get("field").asString()).isEqualTo("applyErrorVersion");

        Api.Response withoutWhy = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-1",
                "appliedConfigVersion", 1, "applyErrorVersion", 2));
        assertThat(withoutWhy.status()).isEqualTo(422);
        assertThat(withoutWhy.json().get("field").asString()).isEqualTo("applyError");

        Api.Response notANumber = app.api().post("/clients/heartbeat", Map.of("app", app.name(), "instanceId", "pod-1",
                "appliedConfigVersion", 1, "applyErrorVersion", "soon", "applyError", "bad"));
        assertThat(notANumber.status()).isBetween(400, 499);
        assertThat(app.api().get("/apps/" + app.name() + "/instances").json().size()).isZero();
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
