package io.herald.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.HeraldServer;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Cyclic events: the API, exactly one event per tick across two instances, misfire policies, history. */
class ScheduleIT extends ServerTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"job\"]}";
    private String app;
    private String key;
    private String topic;

    @BeforeEach
    void catalog() {
        app = unique("cron");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        topic = unique("ticks");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "tick", "jsonSchema", SCHEMA)))).status()).isEqualTo(201);
    }

    private Map<String, Object> schedule(Object... more) {
        Map<String, Object> m = new HashMap<>(Map.of("app", app, "name", unique("s"), "topic", topic, "type", "tick",
                "payload", Map.of("job", "cleanup"), "key", "k"));
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                m.remove((String) more[i]);
            } else {
                m.put((String) more[i], more[i + 1]);
            }
        }
        return m;
    }

    @Test
    void fixedRateScheduleFiresUpToItsMaximumCountAndKeepsHistory() {
        Api.Response created = admin.as(key).post("/schedules", schedule("fixedRateMillis", 1000, "maxCount", 3));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("nextFireAt").isString()).isTrue();

        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> probe.poll().size() == 3);
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(60)).until(() -> probe.poll().size() == 3);
            ConsumerRecord<byte[], byte[]> r = probe.poll().get(0);
            assertThat(KafkaProbe.header(r, "ce_type")).isEqualTo("tick");
            assertThat(KafkaProbe.header(r, "ce_source")).isEqualTo(app);
            assertThat(KafkaProbe.header(r, "ce_id")).startsWith("sched-" + id + "-");
            assertThat(new String(r.value())).isEqualTo("{\"job\":\"cleanup\"}");
            assertThat(new String(r.key())).isEqualTo("k");
        }
        JsonNode view = admin.get("/schedules/" + id).json();
        assertThat(view.get("firedCount").asLong()).isEqualTo(3);
        assertThat(view.has("nextFireAt")).isFalse();
        JsonNode history = admin.as(key).get("/schedules/" + id + "/history").json();
        assertThat(history.size()).isEqualTo(3);
        assertThat(history.get(0).get("outcome").asString()).isEqualTo("FIRED");
    }

    @Test
    void cronScheduleShowsItsNextFireTimesInItsTimeZone() {
        Api.Response created = admin.post("/schedules", schedule("cron", "0 30 9 * * MON-FRI", "timeZone", "Europe/Berlin"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode view = admin.get("/schedules/" + created.json().get("id").asLong()).json();
        assertThat(view.get("upcoming").size()).isEqualTo(5);
        String first = view.get("upcoming").get(0).asString();
        java.time.ZonedDateTime berlin = java.time.Instant.parse(first).atZone(java.time.ZoneId.of("Europe/Berlin"));
        assertThat(berlin.getHour()).isEqualTo(9);
        assertThat(berlin.getMinute()).isEqualTo(30);
        assertThat(berlin.getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
    }

    static Stream<Arguments> badSchedules() {
        return Stream.of(
                Arguments.of("bad cron", new Object[] {"cron", "every minute"}, 422, "cron"),
                Arguments.of("cron and rate", new Object[] {"cron", "* * * * * *", "fixedRateMillis", 5000}, 422, "cron"),
                Arguments.of("neither cron nor rate", new Object[] {}, 422, "cron"),
                Arguments.of("rate below a second", new Object[] {"fixedRateMillis", 10}, 422, "fixedRateMillis"),
                Arguments.of("unknown time zone", new Object[] {"cron", "0 0 * * * *", "timeZone", "Mars/Olympus"}, 422, "timeZone"),
                Arguments.of("undeclared type", new Object[] {"cron", "0 0 * * * *", "type", "nope"}, 422, "type"),
                Arguments.of("payload against the schema", new Object[] {"cron", "0 0 * * * *", "payload", Map.of("x", 1)}, 422, "payload"),
                Arguments.of("bad misfire policy", new Object[] {"cron", "0 0 * * * *", "misfirePolicy", "LATER"}, 422, "misfirePolicy"),
                Arguments.of("end before start", new Object[] {"cron", "0 0 * * * *", "startAt", "2030-01-02T00:00:00Z",
                        "endAt", "2030-01-01T00:00:00Z"}, 422, "endAt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSchedules")
    void badSchedulesAreRefusedNamingTheField(String name, Object[] fields, int status, String field) {
        Api.Response r = admin.post("/schedules", schedule(fields));
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("field").asString()).isEqualTo(field);
    }

    @Test
    void pauseStopsTicksAndChangesAreAudited() {
        long id = admin.post("/schedules", schedule("fixedRateMillis", 1000)).json().get("id").asLong();
        Api.Response paused = admin.patch("/schedules/" + id, Map.of("paused", true));
        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        assertThat(paused.json().has("nextFireAt")).isFalse();
        long fired = admin.get("/schedules/" + id).json().get("firedCount").asLong();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(60))
                .until(() -> admin.get("/schedules/" + id).json().get("firedCount").asLong() == fired);
        assertThat(admin.patch("/schedules/" + id, Map.of("paused", false)).json().get("nextFireAt").isString()).isTrue();
        assertThat(admin.delete("/schedules/" + id).status()).isEqualTo(204);
        assertThat(admin.get("/audit?objectType=schedule&objectId=" + id).body()).contains("create").contains("update").contains("delete");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"FIRE_ONCE", "SKIP"})
    void ticksMissedWhileNoServerRanFollowTheMisfirePolicy(String policy) throws Exception {
        long id = admin.post("/schedules", schedule("cron", "0 0 * * * *", "misfirePolicy", policy)).json().get("id").asLong();
        // as if every server had been down for the last three hours
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword())) {
            c.createStatement().executeUpdate("UPDATE schedule SET next_fire_at = date_trunc('hour', now()) - interval '2 hours'"
                    + " WHERE id = " + id);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/schedules/" + id + "/history").json().size() == 1);
        JsonNode firing = admin.get("/schedules/" + id + "/history").json().get(0);
        JsonNode view = admin.get("/schedules/" + id).json();
        assertThat(java.time.Instant.parse(view.get("nextFireAt").asString())).isAfter(java.time.Instant.now());
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            if (policy.equals("FIRE_ONCE")) {
                assertThat(firing.get("outcome").asString()).isEqualTo("FIRED");
                assertThat(firing.get("detail").asString()).contains("3 missed tick(s)");
                await().atMost(Duration.ofSeconds(60)).until(() -> probe.poll().size() == 1);
            } else {
                assertThat(firing.get("outcome").asString()).isEqualTo("SKIPPED");
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).until(() -> probe.poll().isEmpty());
            }
        }
    }

    @Test
    void twoServerInstancesFireEachTickOnce() {
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(HeraldServer.class).run("--server.port=0", "--herald.grpc.port=0",
                "--spring.datasource.url=" + TestInfra.databaseUrl(),
                "--spring.datasource.username=" + TestInfra.dbUser(),
                "--spring.datasource.password=" + TestInfra.dbPassword(),
                "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(),
                "--herald.security.admin-token=" + ADMIN_TOKEN,
                "--herald.dispatch.enabled=false");
             KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            Api.Response created = admin.post("/schedules", schedule("cron", "* * * * * *", "maxCount", 8));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            long id = created.json().get("id").asLong();

            await().atMost(Duration.ofSeconds(60)).until(() -> probe.poll().size() >= 8);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60)).until(() -> probe.poll().size() == 8);
            Set<String> ids = new HashSet<>();
            probe.poll().forEach(r -> ids.add(KafkaProbe.header(r, "ce_id")));
            assertThat(ids).hasSize(8);
            JsonNode history = admin.get("/schedules/" + id + "/history").json();
            assertThat(history.size()).isEqualTo(8);
            Set<String> ticks = new HashSet<>();
            history.forEach(f -> ticks.add(f.get("tickAt").asString()));
            assertThat(ticks).hasSize(8);
        }
    }
}
