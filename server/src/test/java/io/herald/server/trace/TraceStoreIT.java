package io.herald.server.trace;

import static io.herald.server.trace.TraceFixtures.ship;
import static io.herald.server.trace.TraceFixtures.tp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

class TraceStoreIT extends ServerTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    TraceProperties props;
    @Autowired
    TraceWriter writer;

    private static String id() {
        return "m-" + UUID.randomUUID();
    }

    @Test
    void timepointIsStoredWithinTwoSecondsOfBeingShipped() {
        // the ingester is running: a first timepoint is stored, however long its consumer took to join
        String first = id();
        ship(tp(first, "SENT", System.currentTimeMillis(), "orders", "k-0", null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + first + "/trace").status() == 200);

        String id = id();
        long now = System.currentTimeMillis();
        Timepoint sent = new Timepoint(id, Timepoint.SENT, now, "orders", "order.created", "k-1", "shop", null, "i-1", 2, 41L,
                now + 3, 3L, null, null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        ship(sent);
        long shippedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> admin.get("/messages/" + id + "/trace").status() == 200);
        long visibleMs = Duration.ofNanos(System.nanoTime() - shippedAt).toMillis();
        System.out.printf("timepoint visible %d ms after Kafka acknowledged it%n", visibleMs);
        assertThat(visibleMs).as("ms from Kafka's acknowledgement to the stored timepoint").isLessThan(2000);
        JsonNode t = admin.get("/messages/" + id + "/trace").json();
        assertThat(t.get("topic").asString()).isEqualTo("orders");
        assertThat(t.get("key").asString()).isEqualTo("k-1");
        assertThat(t.get("partition").asInt()).isEqualTo(2);
        assertThat(t.get("offset").asLong()).isEqualTo(41);
        assertThat(t.get("status").asString()).isEqualTo("SENT");
        assertThat(t.at("/latency/sendMs").asLong()).isEqualTo(3);
        assertThat(t.at("/timeline/0/kind").asString()).isEqualTo("SENT");
    }

    @Test
    void failingHandlerShowsFailedRetriedDeadLetteredWhileAnotherGroupHandled() {
        String id = id();
        String topic = unique("orders");
        long t0 = System.currentTimeMillis() - 10_000;
        Timepoint sent = new Timepoint(id, Timepoint.SENT, t0, topic, "order.created", "k-9", "shop", null, "i-1", 0, 7L,
                t0 + 2, 2L, null, null, null, null);
        ship(sent,
                tp(id, Timepoint.RECEIVED, t0 + 10, topic, "k-9", "billing", 1, null),
                tp(id, Timepoint.FAILED, t0 + 15, topic, "k-9", "billing", 1, "java.lang.IllegalStateException: card declined"),
                tp(id, Timepoint.RETRIED, t0 + 16, topic, "k-9", "billing", 1, null),
                tp(id, Timepoint.RECEIVED, t0 + 1016, topic, "k-9", "billing", 2, null),
                tp(id, Timepoint.FAILED, t0 + 1020, topic, "k-9", "billing", 2, "java.lang.IllegalStateException: card declined"),
                tp(id, Timepoint.DEAD_LETTERED, t0 + 1021, topic, "k-9", "billing", 2, "java.lang.IllegalStateException: card declined"),
                tp(id, Timepoint.RECEIVED, t0 + 12, topic, "k-9", "audit", 1, null),
                new Timepoint(id, Timepoint.HANDLED, t0 + 20, topic, "order.created", "k-9", "auditor", "audit", "i-2", 0, 7L,
                        null, 8L, 1, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").json().path("timeline").size() == 9);

        JsonNode t = admin.get("/messages/" + id + "/trace").json();
        List<String> kinds = new ArrayList<>();
        t.get("timeline").forEach(n -> kinds.add(n.get("kind").asString() + (n.has("group") ? "@" + n.get("group").asString() : "")));
        assertThat(kinds).containsExactly("SENT", "RECEIVED@billing", "RECEIVED@audit", "FAILED@billing", "RETRIED@billing",
                "HANDLED@audit", "RECEIVED@billing", "FAILED@billing", "DEAD_LETTERED@billing");
        assertThat(t.get("status").asString()).isEqualTo("DEAD_LETTERED");
        assertThat(t.at("/timeline/1/sincePreviousMs").asLong()).isEqualTo(10);

        JsonNode billing = group(t, "billing");
        assertThat(billing.get("state").asString()).isEqualTo("DEAD_LETTERED");
        assertThat(billing.get("attempts").asInt()).isEqualTo(2);
        assertThat(billing.get("lastError").asString()).contains("card declined");
        assertThat(billing.get("receiveLatencyMs").asLong()).isEqualTo(10); // acked at t0 (SENT), received at t0+10
        JsonNode audit = group(t, "audit");
        assertThat(audit.get("state").asString()).isEqualTo("HANDLED");
        assertThat(audit.get("handleMs").asLong()).isEqualTo(8);
        assertThat(t.at("/latency/sendMs").asLong()).isEqualTo(2);
        assertThat(t.at("/latency/deliverMs").asLong()).isEqualTo(10);
        assertThat(t.get("sentAt").asString()).isEqualTo(Instant.ofEpochMilli(t0 - 2).toString());
        assertThat(t.at("/latency/handleMs").asLong()).isEqualTo(8);

        // the failure search finds it, by topic and by failure only
        JsonNode failed = admin.get("/traces?topic=" + topic + "&status=failed&from=" + Instant.ofEpochMilli(t0 - 1000)).json();
        assertThat(failed.get("items").size()).isEqualTo(1);
        assertThat(failed.at("/items/0/messageId").asString()).isEqualTo(id);
        assertThat(failed.at("/items/0/status").asString()).isEqualTo("DEAD_LETTERED");
        assertThat(failed.at("/items/0/failed").asBoolean()).isTrue();
    }

    private static JsonNode group(JsonNode trace, String name) {
        for (JsonNode g : trace.get("groups")) {
            if (g.get("group").asString().equals(name)) {
                return g;
            }
        }
        throw new AssertionError("no group " + name + " in " + trace);
    }

    @Test
    void findsMessagesByKeyTraceparentTopicAndTypeNewestFirst() {
        String topic = unique("search");
        String key = unique("customer");
        String traceId = UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = id();
            ids.add(id);
            ship(new Timepoint(id, Timepoint.SENT, now - 5000 + i * 100L, topic, i % 2 == 0 ? "a" : "b", key, "shop", null,
                    "i-1", 0, (long) i, null, 1L, null, null, i == 3 ? "00-" + traceId + "-00f067aa0ba902b7-01" : null, null));
        }
        ship(new Timepoint(id(), Timepoint.SENT, now, unique("other"), "a", key + "-x", "shop", null, "i-1", 0, 0L, null, 1L,
                null, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/traces?key=" + key).json().get("items").size() == 5);

        JsonNode byKey = admin.get("/traces?key=" + key + "&size=2").json();
        assertThat(byKey.get("items").size()).isEqualTo(2);
        assertThat(byKey.get("hasMore").asBoolean()).isTrue();
        assertThat(byKey.at("/items/0/messageId").asString()).isEqualTo(ids.get(4));
        JsonNode page2 = admin.get("/traces?key=" + key + "&size=2&page=2").json();
        assertThat(page2.get("items").size()).isEqualTo(1);
        assertThat(page2.get("hasMore").asBoolean()).isFalse();

        JsonNode byTrace = admin.get("/traces?traceparent=00-" + traceId + "-1111111111111111-00").json();
        assertThat(byTrace.get("items").size()).isEqualTo(1);
        assertThat(byTrace.at("/items/0/messageId").asString()).isEqualTo(ids.get(3));
        assertThat(admin.get("/traces?traceparent=" + traceId).json().get("items").size()).isEqualTo(1);

        JsonNode byTopicType = admin.get("/traces?topic=" + topic + "&type=a").json();
        assertThat(byTopicType.get("items").size()).isEqualTo(3);
        JsonNode window = admin.get("/traces?topic=" + topic + "&from=" + Instant.ofEpochMilli(now - 4850)
                + "&to=" + Instant.ofEpochMilli(now - 4650)).json();
        assertThat(window.get("items")).extracting(n -> n.get("messageId").asString()).containsExactly(ids.get(3), ids.get(2));

        Api.Response nothing = admin.get("/traces");
        assertThat(nothing.status()).isEqualTo(422);
        assertThat(nothing.json().get("field").asString()).isEqualTo("topic");
        assertThat(admin.get("/traces?traceparent=nonsense").json().get("field").asString()).isEqualTo("traceparent");
        assertThat(admin.get("/traces?topic=x&from=yesterday").json().get("field").asString()).isEqualTo("from");
        assertThat(admin.get("/traces?topic=x&status=ok").json().get("field").asString()).isEqualTo("status");
        Api.Response untraced = admin.get("/messages/nope-" + UUID.randomUUID() + "/trace");
        assertThat(untraced.status()).isEqualTo(404);
        assertThat(untraced.json().get("detail").asString()).startsWith("Herald has no trace of message 'nope-")
                .contains("only sampled messages are traced");
    }

    @Test
    void payloadIsReadFromKafkaForAdminsAndTheTopicOwnerOnly() throws Exception {
        String owner = unique("own");
        String ownerKey = admin.post("/apps", Map.of("name", owner)).json().get("apiKey").asString();
        String consumer = unique("cons");
        String consumerKey = admin.post("/apps", Map.of("name", consumer)).json().get("apiKey").asString();
        String stranger = unique("str");
        String strangerKey = admin.post("/apps", Map.of("name", stranger)).json().get("apiKey").asString();
        String topic = unique("paid");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", owner, "partitions", 1, "replicationFactor", 1)).status())
                .isEqualTo(201);
        assertThat(admin.post("/bindings", Map.of("app", consumer, "group", "g-" + consumer, "topic", topic, "kind", "FANOUT"))
                .status()).isEqualTo(201);

        String id = id();
        RecordMetadata meta;
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrap(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, "k-1", "{\"amount\":42,\"note\":\"<b>hi</b>\"}");
            r.headers().add(HeraldHeaders.CE_ID, id.getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
            meta = p.send(r).get(60, TimeUnit.SECONDS);
        }
        ship(new Timepoint(id, Timepoint.SENT, System.currentTimeMillis(), topic, "paid", "k-1", owner, null, "i-1",
                meta.partition(), meta.offset(), meta.timestamp(), 1L, null, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").status() == 200);

        JsonNode withPayload = admin.get("/messages/" + id + "/trace?payload=true").json();
        assertThat(withPayload.at("/payload/found").asBoolean()).isTrue();
        assertThat(withPayload.at("/payload/text").asString()).isEqualTo("{\"amount\":42,\"note\":\"<b>hi</b>\"}");
        assertThat(withPayload.at("/payload/key").asString()).isEqualTo("k-1");
        assertThat(withPayload.at("/payload/contentType").asString()).isEqualTo("application/json");
        assertThat(withPayload.at("/payload/headers/ce_id").asString()).isEqualTo(id);
        assertThat(admin.get("/messages/" + id + "/trace").json().has("payload")).isFalse();

        assertThat(admin.as(ownerKey).get("/messages/" + id + "/trace?payload=true").status()).isEqualTo(200);
        assertThat(admin.as(consumerKey).get("/messages/" + id + "/trace").status()).isEqualTo(200);
        Api.Response consumerPayload = admin.as(consumerKey).get("/messages/" + id + "/trace?payload=true");
        assertThat(consumerPayload.status()).isEqualTo(403);
        assertThat(consumerPayload.isProblem()).isTrue();
        assertThat(admin.as(strangerKey).get("/messages/" + id + "/trace").status()).isEqualTo(403);
        assertThat(admin.as(strangerKey).get("/traces?topic=" + topic).status()).isEqualTo(403);
        assertThat(admin.as(strangerKey).get("/traces?key=k-1").json().get("items").findValuesAsString("messageId"))
                .doesNotContain(id);
        assertThat(admin.as(consumerKey).get("/traces?topic=" + topic).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void aRecordMayHoldAnArrayOfTimepoints() throws Exception {
        String id = id();
        long now = System.currentTimeMillis();
        TraceFixtures.shipRaw(id, Api.JSON.writeValueAsString(List.of(tp(id, "SENT", now, "orders", "k", null, null, null),
                tp(id, "RECEIVED", now + 1, "orders", "k", "g", 1, null), tp(id, "HANDLED", now + 2, "orders", "k", "g", 1, null))));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").json().path("timeline").size() == 3);
        assertThat(admin.get("/messages/" + id + "/trace").json().get("status").asString()).isEqualTo("HANDLED");
    }

    @Test
    void unreadableTimepointsAreSkippedAndDoNotStopTheStore() throws Exception {
        TraceFixtures.shipRaw("x", "not json at all");
        TraceFixtures.shipRaw("y", "{\"kind\":\"SENT\"}");
        TraceFixtures.shipRaw("z", "{\"messageId\":\"old\",\"kind\":\"SENT\",\"time\":1000}");
        String id = id();
        ship(tp(id, "SENT", System.currentTimeMillis(), "orders", "k\t\\\n\u0000weird", null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").status() == 200);
        assertThat(admin.get("/messages/" + id + "/trace").json().get("key").asString()).isEqualTo("k\t\\\nweird");
    }

    @Test
    void retentionDropsWholeDaysPastItAndKeepsTheRest() {
        TracePartitions partitions = new TracePartitions(jdbc, tx, props, Clock.systemUTC());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(9);
        LocalDate kept = today.minusDays(6);
        partitions.ensure(List.of(old, kept));
        assertThat(partitions.existing()).contains(old, kept, today);

        partitions.dropExpired();

        assertThat(partitions.existing()).doesNotContain(old).contains(kept, today);
    }

    @Test
    void aDayWhosePartitionVanishedIsCreatedAgainInsteadOfLosingTimepoints() {
        // e.g. dropped by hand while this instance believed it still existed
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(2);
        new TracePartitions(jdbc, tx, props, Clock.systemUTC()).ensure(List.of(day));
        String id = id();
        long at = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + 1000;
        ship(tp(id(), "SENT", at, "orders", null, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM " + TracePartitions.name(day), Integer.class) > 0);
        jdbc.execute("DROP TABLE " + TracePartitions.name(day));

        ship(tp(id, "SENT", at, "orders", null, null, null, null));

        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").status() == 200);
    }

    @Test
    void aWriteFromAStalePositionIsFencedAndStoresNothing() throws Exception {
        String topic = unique("fence");
        String id = id();
        TraceRow row = TraceRow.of(tp(id, "SENT", System.currentTimeMillis(), "orders", null, null, null, null));
        assertThat(writer.write(topic, Map.of(0, new TraceWriter.Advance(null, 10)), List.of(row)).committed()).isTrue();
        // a second consumer that also believed it starts from nothing (or from an old position) is refused
        assertThat(writer.write(topic, Map.of(0, new TraceWriter.Advance(null, 10)), List.of(row))).isEqualTo(TraceWriter.Result.FENCED);
        assertThat(writer.write(topic, Map.of(0, new TraceWriter.Advance(5L, 10)), List.of(row))).isEqualTo(TraceWriter.Result.FENCED);
        assertThat(writer.write(topic, Map.of(0, new TraceWriter.Advance(10L, 12)), List.of()).committed()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM trace_timepoint WHERE message_id = ?", Integer.class, id)).isEqualTo(1);
    }

    @Test
    void anotherInstanceJoiningAndLeavingStoresEveryTimepointExactlyOnce() {
        String run = unique("once");
        int n = 3000;
        shipBurst(run, 0, n / 3);
        try (ConfigurableApplicationContext second = TestServers.start(TestInfra.databaseUrl(),
                TestInfra.kafkaBootstrap(), ADMIN_TOKEN)) {
            shipBurst(run, n / 3, 2 * n / 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> stored(run) >= 2 * n / 3);
        }
        shipBurst(run, 2 * n / 3, n);
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(run) >= n);
        assertThat(stored(run)).isEqualTo(n);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT message_id) FROM trace_timepoint WHERE instance = ?", Integer.class, run))
                .isEqualTo(n);
    }

    private static void shipBurst(String run, int from, int to) {
        long now = System.currentTimeMillis();
        Timepoint[] batch = new Timepoint[to - from];
        for (int i = from; i < to; i++) {
            batch[i - from] = new Timepoint(run + "-" + i, Timepoint.SENT, now, "bulk", "t", null, "shop", null, run, 0, (long) i,
                    null, null, null, null, null, null);
        }
        ship(batch);
    }

    private int stored(String run) {
        return jdbc.queryForObject("SELECT count(*) FROM trace_timepoint WHERE instance = ?", Integer.class, run);
    }
}
