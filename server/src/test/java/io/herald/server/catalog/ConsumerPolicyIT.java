package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A topic's consumer policy: a RESTRICTED topic is bound only by its owner and the apps it grants;
 * revoking a grant blocks the app's bindings there (out of its config at once, its SDK stops); trace
 * search by an app key answers only topics it may read; a code-declared listener refused fails start-up.
 */
class ConsumerPolicyIT extends ServerTest {

    private Herald herald;

    @AfterEach
    void closeSdk() {
        if (herald != null) {
            herald.close();
        }
    }

    private record App(String name, String key, Api api) {
    }

    private App app(String prefix) {
        String name = unique(prefix);
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        return new App(name, key, anonymous.as(key));
    }

    private String topic(App owner, Map<String, Object> extra) {
        String name = unique("cp");
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "created"))));
        body.putAll(extra);
        Api.Response r = owner.api().post("/topics", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    @Test
    void anOpenTopicIsTheDefaultAndAnUnknownPolicyOrConsumerIsNamed() {
        App owner = app("cpo");
        String topic = topic(owner, Map.of());
        JsonNode t = owner.api().get("/topics/" + topic).json();
        assertThat(t.path("consumerPolicy").asString()).isEqualTo("OPEN");
        assertThat(t.path("consumers").size()).isZero();

        Api.Response bad = owner.api().patch("/topics/" + topic, Map.of("consumerPolicy", "PRIVATE"));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(422);
        assertThat(bad.json().path("field").asString()).isEqualTo("consumerPolicy");
        Api.Response unknown = owner.api().patch("/topics/" + topic, Map.of("consumers", List.of("no-such-app-" + topic)));
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(422);
        assertThat(unknown.json().path("field").asString()).isEqualTo("consumers");

        App stranger = app("cps");
        Api.Response patch = stranger.api().patch("/topics/" + topic, Map.of("consumers", List.of(stranger.name())));
        assertThat(patch.status()).as("only the owner grants").isEqualTo(403);
    }

    @Test
    void bindingARestrictedTopicWithoutAGrantIs403ThenGrantedItBindsAndRevokedItIsBlockedAndLeavesTheConfigAtOnce()
            throws Exception {
        App owner = app("cpo");
        App consumer = app("cpc");
        String topic = topic(owner, Map.of("consumerPolicy", "RESTRICTED"));
        Map<String, Object> binding = Map.of("app", consumer.name(), "group", "g-" + consumer.name(), "topic", topic,
                "kind", "FANOUT");

        // not granted: 403 naming the topic, nothing stored (not even by an admin for that app)
        Api.Response refused = consumer.api().post("/bindings", binding);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().path("detail").asString()).contains("'" + topic + "'", "'" + consumer.name() + "'");
        assertThat(refused.json().path("field").asString()).isEqualTo("topic");
        assertThat(admin.post("/bindings", binding).status()).isEqualTo(403);
        assertThat(admin.get("/bindings?topic=" + topic).json().size()).isZero();

        // granted: it binds, and the topic is in its config
        Api.Response grant = owner.api().patch("/topics/" + topic, Map.of("consumers", List.of(consumer.name())));
        assertThat(grant.status()).as(grant.toString()).isEqualTo(200);
        assertThat(grant.json().path("consumers").get(0).asString()).isEqualTo(consumer.name());
        Api.Response bound = consumer.api().post("/bindings", binding);
        assertThat(bound.status()).as(bound.toString()).isEqualTo(201);
        long id = bound.json().path("id").asLong();
        JsonNode config = consumer.api().get("/config/" + consumer.name() + "?since=0").json();
        assertThat(config.path("bindings").get(0).path("id").asLong()).isEqualTo(id);
        long version = config.path("version").asLong();

        // revoked while the app long-polls: the poll answers at once, without the binding or the topic
        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(
                () -> consumer.api().get("/config/" + consumer.name() + "?since=" + version));
        Thread.sleep(300); // the poll is held by the server
        long revokedAt = System.nanoTime();
        assertThat(owner.api().patch("/topics/" + topic, Map.of("consumers", List.of())).status()).isEqualTo(200);
        Api.Response woken = poll.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(woken.status()).as(woken.toString()).isEqualTo(200);
        assertThat(woken.json().path("bindings").size()).isZero();
        assertThat(woken.json().path("topics").toString()).doesNotContain("\"" + topic + "\"");
        assertThat(woken.json().path("blocked").get(0).asString()).contains("binding " + id, "'" + topic + "'");

        // the binding stays, listed as blocked: it cannot be changed, replayed to, or read through
        JsonNode listed = consumer.api().get("/bindings/" + id).json();
        assertThat(listed.path("blocked").asBoolean()).isTrue();
        Api.Response patch = consumer.api().patch("/bindings/" + id, Map.of("paused", true));
        assertThat(patch.status()).as(patch.toString()).isEqualTo(403);
        assertThat(patch.json().path("detail").asString()).contains("'" + topic + "'", "blocked");
        assertThat(consumer.api().get("/topics/" + topic).status()).isEqualTo(403);

        // the change is audited with the grants before and after
        JsonNode audit = admin.get("/audit?objectType=topic&objectId=" + topic).json().get(0);
        assertThat(audit.path("action").asString()).isEqualTo("update");
        assertThat(audit.path("before").path("consumers").get(0).asString()).isEqualTo(consumer.name());
        assertThat(audit.path("after").path("consumers").size()).isZero();
        assertThat(audit.path("after").path("consumerPolicy").asString()).isEqualTo("RESTRICTED");

        // granted again: the same binding is back, unblocked
        assertThat(owner.api().patch("/topics/" + topic, Map.of("consumers", List.of(consumer.name()))).status()).isEqualTo(200);
        assertThat(consumer.api().get("/bindings/" + id).json().path("blocked").asBoolean()).isFalse();
        assertThat(consumer.api().get("/config/" + consumer.name() + "?since=0").json().path("bindings").get(0).path("id")
                .asLong()).isEqualTo(id);
        // and making the topic OPEN unblocks every app
        App later = app("cpl");
        assertThat(owner.api().patch("/topics/" + topic, Map.of("consumerPolicy", "OPEN")).status()).isEqualTo(200);
        assertThat(later.api().post("/bindings", Map.of("group", "g-" + later.name(), "topic", topic, "kind", "FANOUT"))
                .status()).isEqualTo(201);
    }

    @Test
    void traceSearchByAnAppKeyAnswersOnlyTopicsItMayRead() throws Exception {
        App owner = app("cpo");
        App stranger = app("cps");
        String open = topic(owner, Map.of());
        String restricted = topic(owner, Map.of());
        for (String t : List.of(open, restricted)) {
            assertThat(stranger.api().post("/bindings", Map.of("group", "g-" + stranger.name(), "topic", t, "kind", "FANOUT"))
                    .status()).isEqualTo(201);
        }
        String key = "k-" + UUID.randomUUID();
        String inOpen = seed(open, key);
        String inRestricted = seed(restricted, key);
        assertThat(ids(stranger.api().get("/traces?key=" + key))).containsExactlyInAnyOrder(inOpen, inRestricted);

        // when: the topic is restricted to its owner
        assertThat(owner.api().patch("/topics/" + restricted, Map.of("consumerPolicy", "RESTRICTED")).status()).isEqualTo(200);

        // then: the stranger's search by key leaves it out, a search by topic or a read is 403
        assertThat(ids(stranger.api().get("/traces?key=" + key))).containsExactly(inOpen);
        Api.Response byTopic = stranger.api().get("/traces?topic=" + restricted);
        assertThat(byTopic.status()).as(byTopic.toString()).isEqualTo(403);
        assertThat(byTopic.json().path("detail").asString()).contains("'" + restricted + "'");
        assertThat(stranger.api().get("/messages/" + inRestricted + "/trace").status()).isEqualTo(403);
        assertThat(ids(owner.api().get("/traces?key=" + key))).containsExactlyInAnyOrder(inOpen, inRestricted);
        assertThat(ids(admin.get("/traces?key=" + key))).containsExactlyInAnyOrder(inOpen, inRestricted);
    }

    @Test
    void aCodeDeclaredListenerOnARestrictedTopicFailsStartUpNamingItAndARevokeStopsARunningOne() throws Exception {
        App owner = app("cpo");
        App consumer = app("cpc");
        String topic = topic(owner, Map.of("consumerPolicy", "RESTRICTED"));
        String group = "g-" + consumer.name();
        Path cache = Files.createTempDirectory(Path.of("target"), "sdk-cache");

        // not granted: start() throws, naming the topic; no binding is created and nothing consumes
        herald = sdk(consumer, cache);
        herald.listen(Binding.fanout(topic).withGroup(group), String.class, (Message<String> m) -> { });
        assertThatThrownBy(herald::start).isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("topic '" + topic + "'").hasMessageContaining("RESTRICTED");
        assertThat(herald.isListening(group, topic)).isFalse();
        herald.close();
        assertThat(admin.get("/bindings?topic=" + topic).json().size()).isZero();

        // granted: it starts and consumes; revoked: it stops within seconds
        assertThat(owner.api().patch("/topics/" + topic, Map.of("consumers", List.of(consumer.name()))).status()).isEqualTo(200);
        herald = sdk(consumer, cache);
        herald.listen(Binding.fanout(topic).withGroup(group), String.class, (Message<String> m) -> { });
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(group, topic));
        assertThat(owner.api().patch("/topics/" + topic, Map.of("consumers", List.of())).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !herald.isListening(group, topic));
    }

    private Herald sdk(App app, Path cache) {
        return Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, cache.toString())
                .build();
    }

    private static List<String> ids(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("items").forEach(i -> out.add(i.path("messageId").asString()));
        return out;
    }

    /** A SENT timepoint with a key, written into the trace store; returns the message id. */
    private static String seed(String topic, String key) throws Exception {
        String id = "m-" + UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
             PreparedStatement ps = c.prepareStatement("INSERT INTO trace_timepoint (at, message_id, kind, topic, type, msg_key,"
                     + " kafka_partition, kafka_offset) VALUES (?, ?, 'SENT', ?, 'created', ?, 0, 0)")) {
            ps.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
            ps.setString(2, id);
            ps.setString(3, topic);
            ps.setString(4, key);
            ps.executeUpdate();
        }
        return id;
    }
}
