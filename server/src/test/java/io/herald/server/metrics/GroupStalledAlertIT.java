package io.herald.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.server.ingest.Http;
import io.herald.server.support.Prometheus;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The shipped alert on a dead consumer, evaluated by a real Prometheus over what it really scraped
 * from the server: an SDK consumer is stopped while messages keep arriving, and
 * {@code HeraldConsumerGroupStalled} fires for its group. The rule is the one in
 * {@code ops/prometheus/rules/herald-alerts.yml}, its minutes turned into seconds.
 */
class GroupStalledAlertIT extends ServerTest {

    private static final Path RULES = repositoryRoot().resolve("ops/prometheus/rules/herald-alerts.yml");
    private static final String ALERT = "HeraldConsumerGroupStalled";

    private Herald herald;

    @AfterEach
    void closeSdk() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void alertFiresForAGroupWhoseConsumerStoppedWhileMessagesKeepArriving() throws Exception {
        // given an app whose SDK consumes a topic in its group
        String app = unique("stall");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = unique("stall-orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2,
                "types", List.of(Map.of("name", "order-created")))).status()).isEqualTo(201);
        String group = "billing-" + app;
        Set<String> received = ConcurrentHashMap.newKeySet();
        herald = Herald.builder().withAppName(app).withControlPlane(baseUrl(), key)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "sdk-cache").toString())
                .build();
        herald.listen(Binding.direct(topic, "order-created").withGroup(group), String.class,
                (Message<String> m) -> received.add(m.payload()));
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(group, topic));

        // and a Prometheus scraping the server every second, with the shipped rule in seconds
        try (Prometheus prometheus = Prometheus.start("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - stalled.yml
                scrape_configs:
                  - job_name: herald
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port), "stalled.yml", shippedRuleInSeconds())) {
            String lag = "herald_group_lag{group=\"" + group + "\",topic=\"" + topic + "\"}";
            AtomicInteger sent = new AtomicInteger();

            // when messages flow and the consumer commits them, the server's own figures say so: no lag, a fresh commit
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                String payload = send(topic, key, sent);
                await().atMost(Duration.ofSeconds(60)).until(() -> received.contains(payload));
                JsonNode result = prometheus.query(lag);
                assertThat(result.size()).as("%s scraped", lag).isEqualTo(1);
                assertThat(value(result)).isZero();
                JsonNode age = prometheus.query("time() - herald_group_last_commit_seconds{group=\"" + group + "\"}");
                assertThat(value(age)).isLessThan(5);
            });
            // a live group is not alerted on, though records keep arriving: wait until the rule was evaluated
            // later than its commit threshold after the flow began
            Instant flowing = Instant.now();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                send(topic, key, sent);
                JsonNode rule = rule(prometheus);
                assertThat(rule.get("state").asString()).as(rule.toString()).isEqualTo("inactive");
                assertThat(Instant.parse(rule.get("lastEvaluation").asString())).isAfter(flowing.plusSeconds(10));
            });
            long live = Duration.between(flowing, Instant.now()).toSeconds() + 1;
            assertThat(prometheus.query("ALERTS{alertname=\"" + ALERT + "\",group=\"" + group + "\"}[" + live + "s]"))
                    .as("pending or firing while the consumer ran").isEmpty();
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == sent.get());

            // when the group's only consumer stops and messages keep arriving
            herald.close();
            herald = null;
            Instant stopped = Instant.now();

            // then the alert fires for that group and topic, with the lag the server read from Kafka
            JsonNode firing = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                send(topic, key, sent);
                return firing(prometheus, group);
            }, a -> a != null);
            assertThat(firing.at("/labels/topic").asString()).isEqualTo(topic);
            assertThat(firing.at("/labels/severity").asString()).isEqualTo("critical");
            assertThat(firing.at("/annotations/summary").asString())
                    .isEqualTo("Consumer group " + group + " stopped committing on " + topic + " while its lag grows");
            double lagNow = value(prometheus.query(lag));
            assertThat(lagNow).isPositive();
            System.out.printf("%s fired %.1f s after the consumer stopped, lag %s%n", ALERT,
                    Duration.between(stopped, Instant.now()).toMillis() / 1000.0, lagNow);
        }
    }

    /** The alert's state in Prometheus's rules API. */
    private static JsonNode rule(Prometheus prometheus) {
        for (JsonNode g : prometheus.api().get("/rules").json().at("/data/groups")) {
            for (JsonNode r : g.get("rules")) {
                if (ALERT.equals(r.get("name").asString())) {
                    return r;
                }
            }
        }
        throw new AssertionError(ALERT + " not loaded");
    }

    private static JsonNode firing(Prometheus prometheus, String group) {
        for (JsonNode a : prometheus.api().get("/alerts").json().at("/data/alerts")) {
            if (ALERT.equals(a.at("/labels/alertname").asString()) && group.equals(a.at("/labels/group").asString())
                    && "firing".equals(a.get("state").asString())) {
                return a;
            }
        }
        return null;
    }

    private String send(String topic, String key, AtomicInteger sent) {
        String payload = "order-" + sent.incrementAndGet();
        Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events?type=order-created", key,
                Map.of("Content-Type", "text/plain"), payload.getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return payload;
    }

    private static double value(JsonNode result) {
        assertThat(result.size()).as(result.toString()).isEqualTo(1);
        return Double.parseDouble(result.at("/0/value/1").asString());
    }

    /**
     * The shipped {@value ALERT} rule with its durations in seconds: no commit for 6 s (instead of 300),
     * lag grown over 10 s (instead of 5 m), {@code for: 2s}. Fails when the rule no longer has that shape.
     */
    @SuppressWarnings("unchecked")
    static String shippedRuleInSeconds() throws Exception {
        Map<String, Object> file = new Yaml().load(Files.readString(RULES));
        Map<String, Object> rule = null;
        for (Map<String, Object> g : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) g.get("rules")) {
                if (ALERT.equals(r.get("alert"))) {
                    rule = new LinkedHashMap<>(r);
                }
            }
        }
        assertThat(rule).as(ALERT + " in " + RULES).isNotNull();
        String expr = (String) rule.get("expr");
        assertThat(expr).contains(") > 300", "[5m]");
        rule.put("expr", expr.replace(") > 300", ") > 6").replace("[5m]", "[10s]"));
        assertThat(rule.get("for")).isEqualTo("5m");
        rule.put("for", "2s");
        List<Object> rules = new ArrayList<>(List.of(rule));
        return new Yaml().dump(Map.of("groups", List.of(Map.of("name", "herald-consumer-groups", "interval", "1s", "rules", rules))));
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("ops/prometheus"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
