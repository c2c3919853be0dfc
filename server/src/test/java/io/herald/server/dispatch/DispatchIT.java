package io.herald.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.ingest.Http;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP push processors against a real local endpoint, the real server, Kafka and PostgreSQL. */
class DispatchIT extends ServerTest {

    @org.springframework.beans.factory.annotation.Autowired
    DispatchSupervisor supervisor;

    private final Endpoint endpoint = new Endpoint();
    private String app;
    private String key;
    private String topic;
    private String deadLetterTopic;
    private long processorId;

    @AfterEach
    void close() {
        if (processorId > 0) {
            admin.delete("/processors/" + processorId);
        }
        endpoint.close();
    }

    /** App, topic with types a and b, a DIRECT binding on a, a processor pushing to the endpoint. */
    private void processor(Map<String, Object> settings) {
        processor(settings, "DIRECT", "a");
    }

    private void processor(Map<String, Object> settings, String kind, String typePattern) {
        app = unique("push");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        topic = unique("pushed");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "a"), Map.of("name", "b")))).status()).isEqualTo(201);
        var binding = admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", topic, "kind", kind,
                "typePattern", typePattern)).json();
        deadLetterTopic = binding.get("deadLetterTopic").asString();
        Map<String, Object> body = new HashMap<>(settings);
        body.put("bindingId", binding.get("id").asLong());
        body.put("address", endpoint.url());
        var created = admin.post("/processors", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        processorId = created.json().get("id").asLong();
    }

    private String send(String type, String payload) {
        return send(type, payload, Map.of());
    }

    private String send(String type, String payload, Map<String, String> extraHeaders) {
        Map<String, String> h = new HashMap<>(extraHeaders);
        h.put("ce-specversion", "1.0");
        h.put("ce-id", unique("m"));
        h.put("ce-source", "/t");
        h.put("ce-type", type);
        h.put("ce-partitionkey", "k1");
        h.put("Content-Type", "application/json");
        Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events", key, h, payload.getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return h.get("ce-id");
    }

    private static long millisBetween(Endpoint.Received a, Endpoint.Received b) {
        return (b.atNanos() - a.atNanos()) / 1_000_000;
    }

    @Test
    void endpointFailingTwiceGetsTheMessageOnTheThirdAttemptSpacedByTheInterval() {
        endpoint.script((n, r) -> Endpoint.Answer.status(n <= 2 ? 500 : 204));
        processor(Map.of("retryIntervalMillis", 400, "retryCount", 3, "timeoutMillis", 2000));

        String id = send("a", "{\"n\":1}");

        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 3);
        List<Endpoint.Received> got = endpoint.received();
        assertThat(got).allSatisfy(r -> {
            assertThat(r.header("ce-id")).isEqualTo(id);
            assertThat(r.header("ce-type")).isEqualTo("a");
            assertThat(r.header("ce-source")).isEqualTo(app);
            assertThat(r.header("ce-specversion")).isEqualTo("1.0");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        });
        assertThat(got.stream().map(r -> r.header("Herald-Attempt")).toList()).startsWith("1", "2", "3");
        assertThat(millisBetween(got.get(0), got.get(1))).isBetween(380L, 1500L);
        assertThat(millisBetween(got.get(1), got.get(2))).isBetween(380L, 1500L);
        // delivered: nothing more arrives, nothing goes to the dead-letter topic
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() == 3);
    }

    @Test
    void recordsWithoutCeTimeArePushedWithTheirKafkaTimestampAsCeTime() throws Exception {
        endpoint.script((n, r) -> Endpoint.Answer.status(204));
        processor(Map.of("retryIntervalMillis", 100, "retryCount", 1));
        long eventTime = Instant.parse("2026-11-23T08:00:00.123Z").toEpochMilli();

        // what the Herald SDK writes: CloudEvents headers without ce_time
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                Map.of("bootstrap.servers", TestInfra.kafkaBootstrap()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(topic, null, eventTime, null,
                    "{}".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
                    .add("ce_id", "sdk-1".getBytes(StandardCharsets.UTF_8))
                    .add("ce_source", app.getBytes(StandardCharsets.UTF_8))
                    .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8))
                    .add("ce_type", "a".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 1);
        Endpoint.Received got = endpoint.received().get(0);
        assertThat(got.header("ce-id")).isEqualTo("sdk-1");
        assertThat(got.header("ce-time")).isEqualTo("2026-11-23T08:00:00.123Z");
    }

    @Test
    void endpointAlwaysFailingSendsTheMessageToTheDeadLetterTopic() {
        endpoint.script((n, r) -> Endpoint.Answer.status(503));
        processor(Map.of("retryIntervalMillis", 100, "retryCount", 2));

        String id = send("a", "{\"n\":2}");

        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), awaitTopic(deadLetterTopic))) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(id)), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "herald-dlt-reason")).contains("HTTP 503").contains("3 attempt");
            assertThat(KafkaProbe.header(r, "herald-dlt-original-topic")).isEqualTo(topic);
            assertThat(KafkaProbe.header(r, "herald-dlt-group")).isEqualTo("g-" + app);
            assertThat(KafkaProbe.header(r, "herald-attempt")).isEqualTo("3");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
        }
        assertThat(endpoint.count()).isEqualTo(3);
    }

    @Test
    void regexBindingDeadLettersARecordWhoseTypeItsPatternCannotDecideInTime() {
        endpoint.script((n, r) -> Endpoint.Answer.status(204));
        // harmless on the types declared when the binding is made; backtracks for seconds on a type declared later
        processor(Map.of("retryIntervalMillis", 100, "retryCount", 1), "REGEX", "(.*a){12}$");
        String slowType = "a".repeat(29) + "b";
        for (String type : List.of("aaaaaaaaaaaa", slowType)) {
            assertThat(admin.post("/topics/" + topic + "/types", Map.of("name", type)).status()).isEqualTo(201);
        }

        String refused = send(slowType, "{\"n\":1}");
        String pushed = send("aaaaaaaaaaaa", "{\"n\":2}");

        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 1);
        assertThat(endpoint.received().get(0).header("ce-id")).isEqualTo(pushed);
        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), awaitTopic(deadLetterTopic))) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(refused)), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "herald-dlt-reason")).contains("typePattern '(.*a){12}$'")
                    .contains("needs more than 50 ms to match the type '" + slowType + "'");
            assertThat(KafkaProbe.header(r, "herald-dlt-group")).isEqualTo("g-" + app);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        }
        assertThat(endpoint.received()).extracting(e -> e.header("ce-id")).containsExactly(pushed);
    }

    @Test
    void slowEndpointHitsTheTimeoutAndIsRetried() {
        endpoint.script((n, r) -> new Endpoint.Answer(200, Map.of(), n == 1 ? 3000 : 0));
        processor(Map.of("timeoutMillis", 500, "retryIntervalMillis", 100, "retryCount", 2));

        send("a", "{}");

        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 2);
        List<Endpoint.Received> got = endpoint.received();
        // the second attempt came after the timeout, long before the slow answer would have; the
        // endpoint stamps each request when its thread runs, which on a busy machine can be later
        // for the first than for the second, so the lower bound leaves 100 ms for that
        assertThat(millisBetween(got.get(0), got.get(1))).isBetween(400L, 2500L);
    }

    @Test
    void slowEndpointEveryTimeEndsInTheDeadLetterTopicWithTheTimeoutAsReason() {
        endpoint.script((n, r) -> new Endpoint.Answer(200, Map.of(), 1500));
        processor(Map.of("timeoutMillis", 300, "retryIntervalMillis", 50, "retryCount", 1));

        String id = send("a", "{}");

        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), awaitTopic(deadLetterTopic))) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(id)), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "herald-dlt-reason")).contains("no answer within 300 ms");
        }
    }

    @Test
    void tooManyRequestsWithRetryAfterIsHonoured() {
        endpoint.script((n, r) -> n == 1 ? new Endpoint.Answer(429, Map.of("Retry-After", "2"), 0) : Endpoint.Answer.status(200));
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 3));

        send("a", "{}");

        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 2);
        assertThat(millisBetween(endpoint.received().get(0), endpoint.received().get(1))).isBetween(1950L, 4000L);
    }

    @Test
    void clientErrorIsNotRetriedAndGoesStraightToTheDeadLetterTopic() {
        endpoint.script((n, r) -> Endpoint.Answer.status(400));
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 5));

        String id = send("a", "{}");

        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), awaitTopic(deadLetterTopic))) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(id)), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "herald-dlt-reason")).contains("HTTP 400 (not retried)");
        }
        assertThat(endpoint.count()).isEqualTo(1);
    }

    @Test
    void theAppsConfigSnapshotMarksTheBindingAsPushedByTheServerSoItsSdkInstancesLeaveTheGroupAlone() {
        processor(Map.of("retryIntervalMillis", 50));

        var snapshot = admin.as(key).get("/config/" + app);

        assertThat(snapshot.status()).as(snapshot.toString()).isEqualTo(200);
        var binding = snapshot.json().get("bindings").get(0);
        assertThat(binding.get("group").asString()).isEqualTo("g-" + app);
        assertThat(binding.get("pushedByServer").asBoolean()).isTrue();
        admin.delete("/processors/" + processorId);
        processorId = 0;
        // the snapshot is rebuilt when the catalog changes: the mark goes within moments, not necessarily at once
        await().atMost(Duration.ofSeconds(60)).until(
                () -> !admin.as(key).get("/config/" + app).json().get("bindings").get(0).get("pushedByServer").asBoolean());
    }

    @Test
    void listedClientErrorIsRetriedByTheStrategyUntilTheEndpointAccepts() {
        // a 404 while the receiving side is being deployed: retried because the processor lists it
        endpoint.script((n, r) -> Endpoint.Answer.status(n <= 2 ? 404 : 204));
        processor(Map.of("retryIntervalMillis", 300, "retryCount", 3, "retryStatusCodes", List.of(404, 409)));
        assertThat(admin.get("/processors/" + processorId).json().get("retryStatusCodes").toString()).isEqualTo("[404,409]");

        String id = send("a", "{}");

        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 3);
        List<Endpoint.Received> got = endpoint.received();
        assertThat(got.stream().map(r -> r.header("Herald-Attempt")).toList()).startsWith("1", "2", "3");
        assertThat(got).allSatisfy(r -> assertThat(r.header("ce-id")).isEqualTo(id));
        assertThat(millisBetween(got.get(0), got.get(1))).isBetween(280L, 1500L);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() == 3);
    }

    @Test
    void clientErrorNotListedStillGoesStraightToTheDeadLetterTopic() {
        endpoint.script((n, r) -> Endpoint.Answer.status(400));
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 5, "retryStatusCodes", List.of(404)));

        String id = send("a", "{}");

        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), awaitTopic(deadLetterTopic))) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(id)), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "herald-dlt-reason")).contains("HTTP 400 (not retried)");
        }
        assertThat(endpoint.count()).isEqualTo(1);
    }

    @Test
    void retryStatusCodesOutsideTheClientErrorsAreRefusedNamingTheFieldAndNothingChanges() {
        processor(Map.of("retryIntervalMillis", 50, "retryStatusCodes", List.of(404)));

        var answer = admin.patch("/processors/" + processorId, Map.of("retryStatusCodes", List.of(409, 500), "retryCount", 7));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.isProblem()).isTrue();
        assertThat(answer.body()).contains("retryStatusCodes").contains("500");
        var now = admin.get("/processors/" + processorId).json();
        assertThat(now.get("retryStatusCodes").toString()).isEqualTo("[404]");
        assertThat(now.get("retryCount").asInt()).isEqualTo(3);
    }

    @Test
    void onlyTheBindingsTypeIsPushedAndPauseResumeFollowTheCatalog() {
        processor(Map.of("retryIntervalMillis", 50));
        send("b", "{\"skip\":true}");
        String first = send("a", "{}");
        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 1);
        assertThat(endpoint.received()).extracting(r -> r.header("ce-id")).containsExactly(first);

        assertThat(admin.patch("/processors/" + processorId, Map.of("paused", true)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> !supervisor.isPushing(processorId));
        String whilePaused = send("a", "{}");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() == 1);

        assertThat(admin.patch("/processors/" + processorId, Map.of("paused", false)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 2);
        assertThat(endpoint.received().get(1).header("ce-id")).isEqualTo(whilePaused);
    }

    @Test
    void anEventWhoseExpiryPassedIsDeadLetteredAsExpiredWithoutBeingPushed() {
        endpoint.script((n, r) -> Endpoint.Answer.status(204));
        processor(Map.of("retryIntervalMillis", 50));
        String first = send("a", "{}");
        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 1);
        assertThat(admin.patch("/processors/" + processorId, Map.of("paused", true)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> !supervisor.isPushing(processorId));
        Instant expiresAt = Instant.now().plusSeconds(1);
        String expiring = send("a", "{\"late\":true}", Map.of("Herald-Expires-At", expiresAt.toString()));
        String lasting = send("a", "{}", Map.of("Herald-Expires-At", expiresAt.plusSeconds(600).toString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiresAt.plusMillis(200)));

        assertThat(admin.patch("/processors/" + processorId, Map.of("paused", false)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.count() >= 2);
        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), awaitTopic(deadLetterTopic))) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(expiring)), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "herald-dlt-reason")).isEqualTo("expired");
            assertThat(KafkaProbe.header(r, "herald-attempt")).isEqualTo("0");
            assertThat(KafkaProbe.header(r, "herald-expires-at")).isEqualTo(Long.toString(expiresAt.toEpochMilli()));
        }
        assertThat(endpoint.received()).extracting(r -> r.header("ce-id")).containsExactly(first, lasting);
    }

    /** The dead-letter topic exists once the dispatcher created it. */
    private static String awaitTopic(String name) {
        return name;
    }
}
