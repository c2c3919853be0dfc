package io.herald.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Ingestion while Kafka is down: 503 with Retry-After within the configured bound, and 201 again once it is back. */
class IngestKafkaOutageIT {

    private static EmbeddedKafkaKraftBroker broker;
    private static ConfigurableApplicationContext server;
    private static String base;
    private static String key;
    private static Api admin;

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        String db = TestInfra.createDatabase("herald_ingest_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, broker.getBrokersAsString(), "ingest-outage-token",
                "--herald.kafka.operation-timeout=3s",
                "--herald.ingest.max-block=2s",
                "--herald.ingest.delivery-timeout=3s",
                "--herald.dispatch.enabled=false",
                // the cached catalog never refreshes by itself here: a just-created topic is found because a miss is looked up again
                "--herald.ingest.catalog-refresh=1h");
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) server).getWebServer().getPort();
        admin = new Api(base + "/api/v1", "ingest-outage-token");
        key = admin.post("/apps", Map.of("name", "shop")).json().get("apiKey").asString();
        assertThat(admin.post("/topics", Map.of("name", "orders", "app", "shop", "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created")))).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    private static Http.Answer post(String id) {
        return post("orders", id);
    }

    private static Http.Answer post(String topic, String id) {
        return Http.post(base + "/api/v1/topics/" + topic + "/events", key, Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/s",
                "ce-type", "order.created", "Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void firstEventToATopicCreatedMomentsAgoIsAccepted() {
        // given a topic this instance has already answered 404 for
        assertThat(post("late", "too-early").status()).isEqualTo(404);
        assertThat(admin.post("/topics", Map.of("name", "late", "app", "shop", "partitions", 3, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created")))).status()).isEqualTo(201);

        // when its first event comes right after the create answer, then Kafka and the catalog both know the topic
        Http.Answer first = post("late", "first");
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
    }

    @Test
    void kafkaDownAnswers503WithRetryAfterWithinTheBoundAnd201WhenBack() throws Exception {
        assertThat(post("before").status()).isEqualTo(201);

        broker.getCluster().brokers().values().forEach(b -> {
            b.shutdown();
            b.awaitShutdown();
        });
        long start = System.nanoTime();
        Http.Answer during = post("during");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(during.status()).as(during.toString()).isEqualTo(503);
        assertThat(during.header("Retry-After")).isNotBlank();
        assertThat(during.header("Content-Type")).startsWith("application/problem+json");
        assertThat(tookMs).isLessThan(10_000);

        broker.getCluster().brokers().values().forEach(b -> b.startup());
        broker.getCluster().waitForReadyBrokers();
        await().atMost(Duration.ofSeconds(60)).until(() -> post("after").status() == 201);
    }
}
