package io.herald.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A server whose Kafka goes away: the API answers 503 and leaves no half state, readiness goes
 * DOWN while liveness stays UP, and everything recovers when Kafka returns.
 */
class KafkaOutageIT {

    private static EmbeddedKafkaKraftBroker broker;
    private static ConfigurableApplicationContext server;
    private static Api admin;
    private static Api actuator;

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        String db = TestInfra.createDatabase("herald_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, broker.getBrokersAsString(), "outage-admin-token",
                "--herald.kafka.operation-timeout=3s");
        int port = ((WebServerApplicationContext) server).getWebServer().getPort();
        admin = new Api("http://127.0.0.1:" + port + "/api/v1", "outage-admin-token");
        actuator = new Api("http://127.0.0.1:" + port + "/actuator", null);
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

    @Test
    void kafkaDownMeans503NoCatalogRowAndReadinessDown() throws Exception {
        assertThat(admin.post("/apps", Map.of("name", "shop")).status()).isEqualTo(201);
        assertThat(admin.post("/topics", Map.of("name", "before", "app", "shop", "partitions", 1)).status()).isEqualTo(201);
        assertThat(actuator.get("/health/readiness").status()).isEqualTo(200);

        broker.getCluster().brokers().values().forEach(b -> {
            b.shutdown();
            b.awaitShutdown();
        });

        Api.Response r = admin.post("/topics", Map.of("name", "during", "app", "shop", "partitions", 1));
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.isProblem()).isTrue();
        assertThat(admin.get("/topics/during").status()).isEqualTo(404);
        assertThat(admin.get("/topics?q=during").json().get("total").asLong()).isZero();

        Api.Response readiness = actuator.get("/health/readiness");
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
        assertThat(actuator.get("/health/liveness").status()).isEqualTo(200);
        // the catalog stays readable, with Kafka marked unreachable
        Api.Response view = admin.get("/topics/before");
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().at("/kafka/reachable").asBoolean()).isFalse();

        broker.getCluster().brokers().values().forEach(b -> b.startup());
        broker.getCluster().waitForReadyBrokers();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(actuator.get("/health/readiness").status()).isEqualTo(200));
        Api.Response after = admin.post("/topics", Map.of("name", "during", "app", "shop", "partitions", 1));
        assertThat(after.status()).as(after.toString()).isEqualTo(201);
    }
}
