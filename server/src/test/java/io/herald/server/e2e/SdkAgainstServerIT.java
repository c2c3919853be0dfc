package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The Java SDK against a real Herald server, PostgreSQL and Kafka: configuration pushed live, the
 * control plane going away and coming back, bindings declared in code showing up in the catalog.
 */
class SdkAgainstServerIT {

    private static final String TOKEN = "e2e-admin-token";

    private String db;
    private int port;
    private ConfigurableApplicationContext server;
    private Api admin;
    private Herald herald;
    private Path cacheDir;

    @BeforeEach
    void startServer() throws Exception {
        db = TestInfra.createDatabase("herald_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = start();
        admin = new Api("http://127.0.0.1:" + port + "/api/v1", TOKEN);
        cacheDir = Files.createTempDirectory(Path.of("target"), "sdk-cache");
    }

    private ConfigurableApplicationContext start() {
        return TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN, "--server.port=" + port,
                "--herald.push.long-poll-timeout=5s");
    }

    @AfterEach
    void stop() {
        if (herald != null) {
            herald.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String appWithTopic(String topic) {
        String app = "e2e-" + Long.toString(System.nanoTime(), 36);
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created"), Map.of("name", "order-paid"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        return app + " " + key;
    }

    private Herald sdk(String app, String key) {
        return Herald.builder().withAppName(app).withControlPlane("http://127.0.0.1:" + port, key)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, cacheDir.toString())
                .withSetting("herald.heartbeat.interval-ms", 500L)
                .build();
    }

    @Test
    void codeDeclaredBindingAppearsInCatalogAndLiveChangeReachesTheConsumerWithin2s() {
        String topic = "orders-" + Long.toString(System.nanoTime(), 36);
        String[] appKey = appWithTopic(topic).split(" ");
        List<String> received = new CopyOnWriteArrayList<>();
        herald = sdk(appKey[0], appKey[1]);
        herald.listen(Binding.direct(topic, "order-created").withGroup("billing-" + appKey[0]), String.class,
                (Message<String> m) -> received.add(m.type() + ":" + m.payload()));
        herald.start();

        // the binding declared in code is in the catalog
        JsonNode bindings = admin.get("/bindings?app=" + appKey[0]).json();
        assertThat(bindings.size()).isEqualTo(1);
        assertThat(bindings.at("/0/typePattern").asString()).isEqualTo("order-created");
        long bindingId = bindings.at("/0/id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening("billing-" + appKey[0], topic));

        herald.sender().send(topic, "order-created", "k1", "{\"id\":1}");
        herald.sender().send(topic, "order-paid", "k1", "{\"id\":1}");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("order-created:{\"id\":1}"));
        assertThat(received).noneMatch(r -> r.startsWith("order-paid"));

        // the control plane's settings win: widen the binding to every type, live
        long changedAt = System.nanoTime();
        assertThat(admin.patch("/bindings/" + bindingId, Map.of("kind", "FANOUT", "typePattern", "")).status()).isEqualTo(200);
        long version = admin.get("/config/" + appKey[0]).json().get("version").asLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> herald.configVersion() >= version);
        assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).as("from the PATCH to the SDK applying it")
                .isLessThan(Duration.ofSeconds(2));
        herald.sender().send(topic, "order-paid", "k2", "{\"id\":2}");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("order-paid:{\"id\":2}"));

        // the instance reports the version it applied
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode instances = admin.get("/apps/" + appKey[0] + "/instances").json();
            assertThat(instances.size()).isEqualTo(1);
            assertThat(instances.at("/0/appliedConfigVersion").asLong()).isGreaterThanOrEqualTo(version);
            assertThat(instances.at("/0/upToDate").asBoolean()).isTrue();
        });
    }

    @Test
    void aListenerInAConsumerGroupOfAnotherAppIsRefusedAtStartUp() {
        String topic = "orders-" + Long.toString(System.nanoTime(), 36);
        String[] owner = appWithTopic(topic).split(" ");
        String group = "billing-" + owner[0];
        assertThat(admin.post("/bindings", Map.of("app", owner[0], "group", group, "topic", topic, "kind", "FANOUT")).status())
                .isEqualTo(201);
        String other = "e2e-other-" + Long.toString(System.nanoTime(), 36);
        String otherKey = admin.post("/apps", Map.of("name", other)).json().get("apiKey").asString();

        // joining that group would take partitions from the owner's consumers: the SDK refuses to start
        herald = sdk(other, otherKey);
        herald.listen(Binding.fanout(topic).withGroup(group), String.class, (Message<String> m) -> { });
        assertThatThrownBy(herald::start).isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("consumer group '" + group + "'").hasMessageContaining("belongs to another app");
        assertThat(admin.get("/bindings?app=" + other).json().size()).isZero();
    }

    @Test
    void controlPlaneDownDoesNotStopProducingOrConsumingAndAChangeAfterItReturnsIsApplied() {
        String topic = "cp-" + Long.toString(System.nanoTime(), 36);
        String[] appKey = appWithTopic(topic).split(" ");
        String group = "g-" + appKey[0];
        assertThat(admin.post("/bindings", Map.of("app", appKey[0], "group", group, "topic", topic, "kind", "DIRECT",
                "typePattern", "order-created")).status()).isEqualTo(201);
        List<String> received = new CopyOnWriteArrayList<>();
        herald = sdk(appKey[0], appKey[1]);
        herald.listen(Binding.direct(topic, "order-created").withGroup(group), String.class,
                (Message<String> m) -> received.add(m.type() + ":" + m.payload()));
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(group, topic));

        server.close();
        server = null;
        await().atMost(Duration.ofSeconds(60)).until(() -> !herald.isControlPlaneReachable());
        herald.sender().send(topic, "order-created", "k", "while-down");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("order-created:while-down"));

        server = start();
        long bindingId = admin.get("/bindings?app=" + appKey[0]).json().at("/0/id").asLong();
        admin.patch("/bindings/" + bindingId, Map.of("kind", "REGEX", "typePattern", "order-.*"));
        await().atMost(Duration.ofSeconds(60)).until(herald::isControlPlaneReachable);
        herald.sender().send(topic, "order-paid", "k", "after-return");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("order-paid:after-return"));
    }
}
