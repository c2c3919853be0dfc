package io.herald.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** HTTP ingestion against the real server, PostgreSQL and Kafka. */
class IngestIT extends ServerTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"orderId\"],"
            + "\"properties\":{\"orderId\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\",\"minimum\":0}}}";

    private String app;
    private String key;
    private String stranger;
    private String topic;

    @BeforeEach
    void catalog() {
        app = unique("shop");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String other = unique("other");
        stranger = admin.post("/apps", Map.of("name", other)).json().get("apiKey").asString();
        topic = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created", "jsonSchema", SCHEMA), Map.of("name", "order.note")))).status())
                .isEqualTo(201);
    }

    private String url() {
        return baseUrl() + "/api/v1/topics/" + topic + "/events";
    }

    private static Map<String, String> binary(String id, String type) {
        Map<String, String> h = new HashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", id);
        h.put("ce-source", "/checkout");
        h.put("ce-type", type);
        h.put("Content-Type", "application/json");
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void binaryModeEventIsOnKafkaInTheWireFormatWhenAnswered201() {
        Map<String, String> h = binary("ev-1", "order.created");
        h.put("ce-partitionkey", "customer-7");
        h.put("ce-traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        Http.Answer a = Http.post(url(), key, h, bytes("{\"orderId\":\"o-1\",\"amount\":12.5}"));

        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        JsonNode body = a.json();
        assertThat(body.get("id").asString()).isEqualTo("ev-1");
        int partition = body.get("partition").asInt();
        long offset = body.get("offset").asLong();
        // acknowledged means readable at once, at the offset the answer names
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            List<ConsumerRecord<byte[], byte[]>> records = await().atMost(Duration.ofSeconds(60))
                    .until(() -> probe.matching(KafkaProbe.withId("ev-1")), l -> !l.isEmpty());
            assertThat(records).hasSize(1);
            ConsumerRecord<byte[], byte[]> r = records.get(0);
            assertThat(r.partition()).isEqualTo(partition);
            assertThat(r.offset()).isEqualTo(offset);
            assertThat(KafkaProbe.header(r, "ce_specversion")).isEqualTo("1.0");
            assertThat(KafkaProbe.header(r, "ce_source")).isEqualTo(app);
            assertThat(KafkaProbe.header(r, "ce_type")).isEqualTo("order.created");
            assertThat(KafkaProbe.header(r, "ce_time")).isNotBlank();
            assertThat(Instant.parse(KafkaProbe.header(r, "ce_time"))).isAfter(Instant.now().minusSeconds(60));
            assertThat(KafkaProbe.header(r, "content-type")).isEqualTo("application/json");
            assertThat(KafkaProbe.header(r, "ce_traceparent")).startsWith("00-0af7");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("customer-7");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"o-1\",\"amount\":12.5}");
        }
    }

    @Test
    void structuredModeEventIsWrittenInBinaryModeOnKafka() {
        String event = "{\"specversion\":\"1.0\",\"id\":\"ev-s\",\"source\":\"/x\",\"type\":\"order.created\","
                + "\"time\":\"2030-01-02T03:04:05Z\",\"datacontenttype\":\"application/json\",\"data\":{\"orderId\":\"o-2\"}}";
        Http.Answer a = Http.post(url(), key, Map.of("Content-Type", "application/cloudevents+json"), bytes(event));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> probe.matching(KafkaProbe.withId("ev-s")), l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(r, "ce_time")).isEqualTo("2030-01-02T03:04:05Z");
            assertThat(Api_JSON(r.value()).get("orderId").asString()).isEqualTo("o-2");
        }
    }

    @Test
    void plainBodyWithTypeInTheQueryGetsAGeneratedId() {
        Http.Answer a = Http.post(url() + "?type=order.note&key=k1", key, Map.of("Content-Type", "text/plain"), bytes("hello"));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        String id = a.json().get("id").asString();
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> probe.matching(KafkaProbe.withId(id)), l -> !l.isEmpty()).get(0);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(KafkaProbe.header(r, "content-type")).isEqualTo("text/plain");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
        }
    }

    @Test
    void batchIsAnswered207WithEachItemsStatus() {
        String batch = "[{\"specversion\":\"1.0\",\"id\":\"b1\",\"source\":\"/x\",\"type\":\"order.created\",\"data\":{\"orderId\":\"1\"}},"
                + "{\"specversion\":\"1.0\",\"id\":\"b2\",\"source\":\"/x\",\"type\":\"order.unknown\",\"data\":{}},"
                + "{\"specversion\":\"1.0\",\"id\":\"b3\",\"source\":\"/x\",\"type\":\"order.created\",\"data\":{\"amount\":-1}},"
                + "{\"specversion\":\"1.0\",\"source\":\"/x\",\"type\":\"order.note\"},"
                + "{\"specversion\":\"1.0\",\"id\":\"b5\",\"source\":\"/x\",\"type\":\"order.note\",\"data\":\"text\"}]";
        Http.Answer a = Http.post(url(), key, Map.of("Content-Type", "application/cloudevents-batch+json"), bytes(batch));

        assertThat(a.status()).as(a.toString()).isEqualTo(207);
        JsonNode items = a.json().get("items");
        assertThat(items.size()).isEqualTo(5);
        assertThat(items.get(0).get("status").asInt()).isEqualTo(201);
        assertThat(items.get(0).get("offset").isNumber()).isTrue();
        assertThat(items.get(1).get("status").asInt()).isEqualTo(422);
        assertThat(items.get(1).get("field").asString()).isEqualTo("type");
        assertThat(items.get(2).get("status").asInt()).isEqualTo(422);
        assertThat(items.get(2).get("field").asString()).isEqualTo("data");
        assertThat(items.get(3).get("status").asInt()).isEqualTo(400);
        assertThat(items.get(3).get("field").asString()).isEqualTo("id");
        assertThat(items.get(4).get("status").asInt()).isEqualTo(201);
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> probe.matching(r -> true).size() == 2);
        }
    }

    static Stream<Arguments> badEvents() {
        Map<String, String> noType = binary("x", "order.created");
        noType.remove("ce-type");
        Map<String, String> badVersion = binary("x", "order.created");
        badVersion.put("ce-specversion", "0.1");
        return Stream.of(
                Arguments.of("no CloudEvent attributes", Map.of("Content-Type", "application/json"), "{}", 400, "ce-type"),
                Arguments.of("missing ce-type", noType, "{\"orderId\":\"1\"}", 400, "ce-type"),
                Arguments.of("unknown spec version", badVersion, "{\"orderId\":\"1\"}", 400, "ce-specversion"),
                Arguments.of("undeclared type", binary("x", "order.deleted"), "{}", 422, "ce-type"),
                Arguments.of("schema violation", binary("x", "order.created"), "{\"amount\":-5}", 422, "data"),
                Arguments.of("not JSON for a schema", binary("x", "order.created"), "{not json", 422, "data"),
                Arguments.of("malformed structured event", Map.of("Content-Type", "application/cloudevents+json"), "{\"id\":", 400, "body"),
                Arguments.of("too large", binary("x", "order.note"), "\"" + "x".repeat(1024 * 1024 + 10) + "\"", 413, "data"),
                Arguments.of("bad delay", withHeader(binary("x", "order.note"), "Herald-Delay", "soon"), "1", 422, "Herald-Delay"),
                Arguments.of("delay beyond the maximum", withHeader(binary("x", "order.note"), "Herald-Delay", "P31D"), "1", 422,
                        "Herald-Delay"),
                Arguments.of("negative delay", withHeader(binary("x", "order.note"), "Herald-Delay", "-PT5S"), "1", 422, "Herald-Delay"),
                Arguments.of("expiry in the past", withHeader(binary("x", "order.note"), "Herald-Expires-At",
                        "2020-01-01T00:00:00Z"), "1", 422, "Herald-Expires-At"),
                Arguments.of("expiry not a time", withHeader(binary("x", "order.note"), "Herald-Expires-At",
                        "tomorrow"), "1", 422, "Herald-Expires-At"),
                Arguments.of("expiry before the event is due", withHeader(withHeader(binary("x", "order.note"), "Herald-Delay",
                        "PT1H"), "Herald-Expires-At", Instant.now().plusSeconds(600).toString()), "1", 422,
                        "Herald-Expires-At"));
    }

    private static Map<String, String> withHeader(Map<String, String> h, String name, String value) {
        h.put(name, value);
        return h;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void badEventsAreRefusedWithAProblemNamingTheField(String name, Map<String, String> headers, String body, int status,
                                                       String field) {
        Http.Answer a = Http.post(url(), key, headers, bytes(body));
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.json().get("field").asString()).as(a.toString()).isEqualTo(field);
    }

    @Test
    void aSchemaViolationSaysWhereInThePayloadAndWhatIsWrong() {
        Http.Answer a = Http.post(url(), key, binary("sv-1", "order.created"), bytes("{\"amount\":1}"));

        assertThat(a.status()).as(a.toString()).isEqualTo(422);
        assertThat(a.json().get("detail").asString()).as(a.toString())
                .contains("does not match the schema of type 'order.created': (root): required property 'orderId' not found")
                .doesNotContain(": :");
    }

    @Test
    void onlyTheOwnerAndListedProducersMayProduce() {
        Http.Answer denied = Http.post(url(), stranger, binary("s1", "order.note"), bytes("1"));
        assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
        assertThat(denied.header("Content-Type")).startsWith("application/problem+json");
        assertThat(denied.json().get("detail").asString()).contains("may not produce to topic '" + topic + "'");
        Http.Answer none = Http.post(url(), null, binary("s1", "order.note"), bytes("1"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("Content-Type")).startsWith("application/problem+json");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"herald\"");
        Http.Answer missing = Http.post(baseUrl() + "/api/v1/topics/no-such-topic/events", key, binary("s1", "order.note"), bytes("1"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("field").asString()).isEqualTo("topic");
    }

    private static JsonNode Api_JSON(byte[] value) {
        return io.herald.server.support.Api.JSON.readTree(new String(value, StandardCharsets.UTF_8));
    }
}
