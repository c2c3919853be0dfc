package io.herald.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.ConsoleLogin;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import io.herald.server.ingest.Http;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health answers everyone with its status, and its parts (broker counts, free disk space, a failed
 * check's reason) only to a signed-in console user or a bearer token; with
 * {@code herald.metrics.token} set, a Prometheus scrape needs that token (or the admin token).
 */
class ActuatorAccessIT {

    private static final String ADMIN_TOKEN = "actuator-admin-token";
    private static final String METRICS_TOKEN = "metrics-token-0123456789abcdef";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ConfigurableApplicationContext server;
    private static String base;

    @BeforeAll
    static void start() {
        String db = TestInfra.createDatabase("herald_actuator_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, TestInfra.kafkaBootstrap(), ADMIN_TOKEN, "--herald.security.admin-password=actuator-password",
                "--herald.metrics.token=" + METRICS_TOKEN, "--herald.dispatch.enabled=false", "--herald.schedule.enabled=false");
        base = "http://127.0.0.1:" + TestServers.port(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void publicHealthShowsOnlyTheStatus() throws Exception {
        for (String path : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness"}) {
            Http.Answer r = Http.get(base + path, null);
            assertThat(r.status()).as(path).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            // the status (and the names of the probe groups), no components, no details
            assertThat(body.propertyNames()).as(path + ": " + r.body()).contains("status").isSubsetOf("status", "groups");
            assertThat(r.body()).doesNotContain("path").doesNotContain("Exception").doesNotContain(System.getProperty("user.dir"));
        }
    }

    @Test
    void healthShowsItsPartsToATokenOrASignedInUser() throws Exception {
        for (String token : new String[] {ADMIN_TOKEN, METRICS_TOKEN}) {
            JsonNode body = JSON.readTree(Http.get(base + "/actuator/health", token).body());
            assertThat(body.at("/components/kafka/details/brokers").asInt()).isPositive();
            assertThat(body.at("/components/db/status").asString()).isEqualTo("UP");
        }
        ConsoleLogin session = ConsoleLogin.session(base, "admin", "actuator-password");
        assertThat(session).isNotNull();
        HttpResponse<String> r = session.get("/actuator/health/readiness");
        assertThat(JSON.readTree(r.body()).at("/components/kafka/status").asString()).isEqualTo("UP");
        // a wrong token is just anonymous
        assertThat(JSON.readTree(Http.get(base + "/actuator/health", "not-a-token").body()).has("components")).isFalse();
    }

    @Test
    void prometheusNeedsTheMetricsTokenWhenOneIsSet() {
        Http.Answer anonymous = Http.get(base + "/actuator/prometheus", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
        assertThat(anonymous.body()).contains("herald.metrics.token");
        assertThat(Http.get(base + "/actuator/prometheus", "wrong-token-0123456789").status()).isEqualTo(401);
        Http.Answer scrape = Http.get(base + "/actuator/prometheus", METRICS_TOKEN);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("herald_topics");
        assertThat(Http.get(base + "/actuator/prometheus", ADMIN_TOKEN).status()).isEqualTo(200);
    }
}
