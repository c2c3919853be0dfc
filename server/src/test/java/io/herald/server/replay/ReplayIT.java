package io.herald.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.herald.server.trace.TraceFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Replay jobs against the shared server: windows, filters, targets, cancel, a traced message, dead-letter redrive. */
class ReplayIT extends ServerTest {

    private static KafkaProducer<String, String> producer;

    /** App A owns the topic and group gA; app B has group gB on the same topic. */
    record Setup(String appA, String keyA, String appB, String keyB, String topic, String groupA, String groupB) {
    }

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        }
        return producer;
    }

    @AfterAll
    static void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    Setup setup() {
        return ReplayFixtures.setup(admin);
    }

    /** Produces {@code n} records stamped base, base+1s, …; ids "{prefix}-i", types alternating x and y. */
    static List<RecordMetadata> produce(String topic, String prefix, int n, long base) throws Exception {
        List<RecordMetadata> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, null, base + i * 1000L, "k" + (i % 7),
                    "{\"n\":" + i + "}");
            r.headers().add(HeraldHeaders.CE_ID, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.CE_TYPE, (i % 2 == 0 ? "x" : "y").getBytes(StandardCharsets.UTF_8));
            r.headers().add("custom", "kept".getBytes(StandardCharsets.UTF_8));
            out.add(producer().send(r).get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> header(r, HeraldHeaders.CE_ID)).sorted().toList();
    }

    static List<String> range(String prefix, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(prefix + "-" + i);
        }
        Collections.sort(ids);
        return ids;
    }

    JsonNode awaitState(Api api, long id, String state) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/replays/" + id).json().get("state").asString().equals(state));
        return api.get("/replays/" + id).json();
    }

    @Test
    void replaysExactlyTheWindowToOneGroupWhileBothGroupsKeepConsuming() throws Exception {
        Setup s = setup();
        long base = System.currentTimeMillis() - 600_000;
        produce(s.topic(), "w", 30, base);
        // both groups consume as the SDK will: their bindings' topic plus their own replay topic
        Map<String, List<String>> seen = new HashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> consumers = new ArrayList<>();
        for (String group : List.of(s.groupA(), s.groupB())) {
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            seen.put(group, got);
            Thread t = new Thread(() -> consume(group, List.of(s.topic(), HeraldTopics.replay(group)), got, stop));
            t.start();
            consumers.add(t);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.get(s.groupA()).size() >= 30 && seen.get(s.groupB()).size() >= 30);

        Map<String, Object> request = new HashMap<>(Map.of("topic", s.topic(), "from", Instant.ofEpochMilli(base + 10_000).toString(),
                "to", Instant.ofEpochMilli(base + 20_000).toString(), "target", Map.of("group", s.groupA())));
        request.put("dryRun", true);
        Api.Response dry = admin.as(s.keyA()).post("/replays", request);
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        assertThat(dry.json().get("total").asLong()).isEqualTo(10);
        assertThat(dry.json().get("partitions").size()).isEqualTo(3);
        assertThat(dry.json().get("targetTopic").asString()).isEqualTo(HeraldTopics.replay(s.groupA()));
        long planned = 0;
        for (JsonNode p : dry.json().get("partitions")) {
            planned += p.get("endOffset").asLong() - p.get("startOffset").asLong();
        }
        assertThat(planned).isEqualTo(10);

        request.remove("dryRun");
        Api.Response started = admin.as(s.keyA()).post("/replays", request);
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        long id = started.json().get("id").asLong();
        produce(s.topic(), "new", 5, System.currentTimeMillis());
        JsonNode done = awaitState(admin.as(s.keyA()), id, "DONE");
        assertThat(done.get("percent").asInt()).isEqualTo(100);
        assertThat(done.get("copied").asLong()).isEqualTo(10);

        List<ConsumerRecord<byte[], byte[]>> replayed = ReplayFixtures.readAll(HeraldTopics.replay(s.groupA()));
        assertThat(ids(replayed)).isEqualTo(range("w", 10, 20));
        for (ConsumerRecord<byte[], byte[]> r : replayed) {
            assertThat(header(r, HeraldHeaders.REPLAY_JOB)).isEqualTo(String.valueOf(id));
            assertThat(header(r, HeraldHeaders.TARGET_TOPIC)).isEqualTo(s.topic());
            assertThat(header(r, HeraldHeaders.REPLAY_OF)).startsWith(s.topic() + ":");
            assertThat(header(r, "custom")).isEqualTo("kept");
            int n = Integer.parseInt(header(r, HeraldHeaders.CE_ID).substring(2));
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k" + (n % 7));
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + n + "}");
        }
        assertThat(ReplayFixtures.readAll(HeraldTopics.replay(s.groupB()))).isEmpty();
        assertThat(ReplayFixtures.readAll(s.topic())).hasSize(35);

        await().atMost(Duration.ofSeconds(60)).until(() -> seen.get(s.groupA()).size() >= 45 && seen.get(s.groupB()).size() >= 35);
        stop.set(true);
        for (Thread t : consumers) {
            t.join(10_000);
        }
        List<String> a = new ArrayList<>(seen.get(s.groupA()));
        List<String> b = new ArrayList<>(seen.get(s.groupB()));
        assertThat(a).hasSize(45).containsAll(range("new", 0, 5));
        assertThat(a.stream().filter(x -> x.startsWith("w-")).count()).isEqualTo(40);
        assertThat(b).hasSize(35).doesNotHaveDuplicates().containsAll(range("new", 0, 5));
    }

    private static void consume(String group, List<String> topics, List<String> got, AtomicBoolean stop) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            c.subscribe(java.util.regex.Pattern.compile(String.join("|", topics.stream().map(java.util.regex.Pattern::quote).toList())));
            while (!stop.get()) {
                c.poll(Duration.ofMillis(100)).forEach(r -> got.add(header(r, HeraldHeaders.CE_ID)));
            }
        }
    }

    @Test
    void typeAndKeyFiltersCopyOnlyMatchingRecords() throws Exception {
        Setup s = setup();
        long base = System.currentTimeMillis() - 600_000;
        produce(s.topic(), "f", 28, base);
        Api.Response started = admin.post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base),
                "type", "x", "key", "k3", "target", Map.of("group", s.groupB())));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        JsonNode done = awaitState(admin, started.json().get("id").asLong(), "DONE");
        // k3 is i = 3, 10, 17, 24; type x is even i: 10 and 24
        assertThat(ids(ReplayFixtures.readAll(HeraldTopics.replay(s.groupB())))).containsExactly("f-10", "f-24");
        assertThat(done.get("copied").asLong()).isEqualTo(2);
        assertThat(done.get("skipped").asLong()).isEqualTo(26);
    }

    @Test
    void replayToTheTopicItselfAppendsTheWindowInTheSamePartitions() throws Exception {
        Setup s = setup();
        long base = System.currentTimeMillis() - 600_000;
        List<RecordMetadata> sent = produce(s.topic(), "t", 6, base);
        Api.Response started = admin.as(s.keyA()).post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base),
                "to", String.valueOf(base + 3000), "target", Map.of("topic", true)));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        assertThat(started.json().get("targetTopic").asString()).isEqualTo(s.topic());
        long id = started.json().get("id").asLong();
        awaitState(admin, id, "DONE");
        List<ConsumerRecord<byte[], byte[]>> all = ReplayFixtures.readAll(s.topic());
        List<ConsumerRecord<byte[], byte[]>> copies = all.stream().filter(r -> header(r, HeraldHeaders.REPLAY_JOB) != null).toList();
        assertThat(ids(copies)).containsExactly("t-0", "t-1", "t-2");
        for (ConsumerRecord<byte[], byte[]> c : copies) {
            int n = Integer.parseInt(header(c, HeraldHeaders.CE_ID).substring(2));
            assertThat(c.partition()).isEqualTo(sent.get(n).partition());
            assertThat(header(c, HeraldHeaders.TARGET_TOPIC)).isNull();
        }
        // another app may not replay into a topic it does not own
        assertThat(admin.as(s.keyB()).post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base),
                "target", Map.of("topic", true))).status()).isEqualTo(403);
    }

    @Test
    void cancelStopsARunningJob() throws Exception {
        Setup s = setup();
        long base = System.currentTimeMillis() - 600_000;
        produce(s.topic(), "c", 120, base);
        Api.Response started = admin.post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base),
                "target", Map.of("group", s.groupA()), "ratePerSecond", 20));
        long id = started.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/replays/" + id).json().get("copied").asLong() >= 5);

        Api.Response cancelled = admin.post("/replays/" + id + "/cancel", null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("cancelRequested").asBoolean()).isTrue();
        JsonNode job = awaitState(admin, id, "CANCELLED");
        assertThat(job.get("finishedAt").isNull()).isFalse();
        int copiedThen = ReplayFixtures.readAll(HeraldTopics.replay(s.groupA())).size();
        assertThat(copiedThen).isLessThan(120);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60))
                .until(() -> ReplayFixtures.readAll(HeraldTopics.replay(s.groupA())).size() == copiedThen);
        assertThat(admin.post("/replays/" + id + "/cancel", null).status()).isEqualTo(409);

        JsonNode audit = admin.get("/audit?objectType=replay&objectId=" + id).json();
        assertThat(audit.toString()).contains("create").contains("cancel");
    }

    @Test
    void aMessageIsReplayedFromItsTraceAndItsOutcomeShown() throws Exception {
        Setup s = setup();
        RecordMetadata meta = produce(s.topic(), "one", 3, System.currentTimeMillis() - 5000).get(1);
        String id = "one-1";
        TraceFixtures.ship(new Timepoint(id, Timepoint.SENT, System.currentTimeMillis() - 5000, s.topic(), "y", "k1", s.appA(),
                null, "i-1", meta.partition(), meta.offset(), meta.timestamp(), 1L, null, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").status() == 200);

        Api.Response dry = admin.as(s.keyB()).post("/messages/" + id + "/replay", Map.of("target", Map.of("group", s.groupB()),
                "dryRun", true));
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        assertThat(dry.json().get("total").asLong()).isEqualTo(1);
        Api.Response started = admin.as(s.keyB()).post("/messages/" + id + "/replay", Map.of("target", Map.of("group", s.groupB())));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        long job = started.json().get("id").asLong();
        JsonNode done = awaitState(admin, job, "DONE");
        assertThat(done.get("kind").asString()).isEqualTo("MESSAGES");
        assertThat(done.at("/records/0/outcome").asString()).isEqualTo("COPIED");
        assertThat(done.at("/records/0/messageId").asString()).isEqualTo(id);
        assertThat(ids(ReplayFixtures.readAll(HeraldTopics.replay(s.groupB())))).containsExactly(id);

        // the SDK reports what the group did with it
        long now = System.currentTimeMillis();
        TraceFixtures.ship(new Timepoint(id, Timepoint.REPLAYED, now, s.topic(), "y", "k1", s.appB(), s.groupB(), "i-9", 0, 0L,
                null, null, 1, null, null, String.valueOf(job)),
                new Timepoint(id, Timepoint.RECEIVED, now + 1, s.topic(), "y", "k1", s.appB(), s.groupB(), "i-9", 0, 0L,
                        null, null, 1, null, null, String.valueOf(job)),
                new Timepoint(id, Timepoint.HANDLED, now + 5, s.topic(), "y", "k1", s.appB(), s.groupB(), "i-9", 0, 0L,
                        null, 4L, 1, null, null, String.valueOf(job)));
        await().atMost(Duration.ofSeconds(60)).until(() -> "HANDLED".equals(admin.get("/replays/" + job).json()
                .at("/records/0/handling").asString()));
        JsonNode trace = admin.get("/messages/" + id + "/trace").json();
        assertThat(trace.at("/groups/0/replayJobs/0").asString()).isEqualTo(String.valueOf(job));

        // app A does not own group gB
        assertThat(admin.as(s.keyA()).post("/messages/" + id + "/replay", Map.of("target", Map.of("group", s.groupB())))
                .status()).isEqualTo(403);
    }

    @Test
    void deadLettersAreListedAndRedrivenChosenOrAllWithEachOutcome() throws Exception {
        Setup s = setup();
        String dlt = s.topic() + "." + s.groupA() + ".dlt";
        Api.Response none = admin.as(s.keyA()).get("/dead-letters?topic=" + s.topic() + "&group=" + s.groupA());
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().get("total").asLong()).isZero();

        List<RecordMetadata> letters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ProducerRecord<String, String> r = new ProducerRecord<>(dlt, 0, null, "k" + i, "{\"bad\":" + i + "}");
            r.headers().add(HeraldHeaders.CE_ID, ("d-" + i).getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.CE_TYPE, "x".getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.ATTEMPT, "5".getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.DLT_REASON, "EXHAUSTED".getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.DLT_EXCEPTION_CLASS, "java.lang.IllegalStateException".getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.DLT_EXCEPTION_MESSAGE, "boom".getBytes(StandardCharsets.UTF_8));
            r.headers().add(HeraldHeaders.DLT_ORIGINAL_TOPIC, s.topic().getBytes(StandardCharsets.UTF_8));
            letters.add(producer().send(r).get(60, TimeUnit.SECONDS));
        }
        JsonNode list = admin.as(s.keyA()).get("/dead-letters?topic=" + s.topic() + "&group=" + s.groupA()).json();
        assertThat(list.get("total").asLong()).isEqualTo(3);
        assertThat(list.at("/records/1/messageId").asString()).isEqualTo("d-1");
        assertThat(list.at("/records/1/reason").asString()).isEqualTo("EXHAUSTED");
        assertThat(list.at("/records/1/exceptionMessage").asString()).isEqualTo("boom");
        assertThat(admin.as(s.keyB()).get("/dead-letters?topic=" + s.topic() + "&group=" + s.groupA()).status()).isEqualTo(403);

        // chosen: d-1 and an offset that does not exist
        Api.Response chosen = admin.as(s.keyA()).post("/dead-letters/redrive", Map.of("topic", s.topic(), "group", s.groupA(),
                "records", List.of(Map.of("partition", 0, "offset", letters.get(1).offset()), Map.of("partition", 0, "offset", 99)),
                "ratePerSecond", 100));
        assertThat(chosen.status()).as(chosen.toString()).isEqualTo(201);
        JsonNode job = awaitState(admin, chosen.json().get("id").asLong(), "DONE");
        Map<Long, String> outcomes = new HashMap<>();
        job.get("records").forEach(r -> outcomes.put(r.get("offset").asLong(), r.get("outcome").asString()));
        assertThat(outcomes).containsEntry(letters.get(1).offset(), "COPIED").containsEntry(99L, "MISSING");
        List<ConsumerRecord<byte[], byte[]>> back = ReplayFixtures.readAll(HeraldTopics.replay(s.groupA()));
        assertThat(ids(back)).containsExactly("d-1");
        ConsumerRecord<byte[], byte[]> r = back.get(0);
        assertThat(header(r, HeraldHeaders.TARGET_TOPIC)).isEqualTo(s.topic());
        assertThat(header(r, HeraldHeaders.DLT_REASON)).isNull();
        assertThat(header(r, HeraldHeaders.ATTEMPT)).isNull();
        assertThat(header(r, HeraldHeaders.REPLAY_OF)).isEqualTo(dlt + ":0:" + letters.get(1).offset());

        // all
        Api.Response all = admin.as(s.keyA()).post("/dead-letters/redrive", Map.of("topic", s.topic(), "group", s.groupA(), "all", true));
        assertThat(all.status()).as(all.toString()).isEqualTo(201);
        JsonNode allJob = awaitState(admin, all.json().get("id").asLong(), "DONE");
        assertThat(allJob.get("kind").asString()).isEqualTo("REDRIVE");
        assertThat(allJob.get("records").size()).isEqualTo(3);
        assertThat(ids(ReplayFixtures.readAll(HeraldTopics.replay(s.groupA())))).containsExactly("d-0", "d-1", "d-1", "d-2");

        assertThat(admin.post("/dead-letters/redrive", Map.of("topic", s.topic(), "group", s.groupA())).json()
                .get("field").asString()).isEqualTo("records");
    }

    @Test
    void invalidRequestsNameTheField() {
        Setup s = setup();
        String from = Instant.now().minusSeconds(60).toString();
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "from", from)))).isEqualTo("target");
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "from", from, "target",
                Map.of("group", "nobody"))))).isEqualTo("target.group");
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "from", from, "target",
                Map.of("group", s.groupA(), "topic", true))))).isEqualTo("target");
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "target", Map.of("group", s.groupA()))))).isEqualTo("from");
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "from", "noon", "target", Map.of("group", s.groupA())))))
                .isEqualTo("from");
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "from", from, "to", Instant.now().plusSeconds(3600).toString(),
                "target", Map.of("group", s.groupA()))))).isEqualTo("to");
        assertThat(field(admin.post("/replays", Map.of("topic", s.topic(), "from", from, "ratePerSecond", 0,
                "target", Map.of("group", s.groupA()))))).isEqualTo("ratePerSecond");
        assertThat(admin.post("/replays", Map.of("topic", "no-such-topic", "from", from, "target", Map.of("topic", true))).status())
                .isEqualTo(404);
        assertThat(admin.as(s.keyB()).post("/replays", Map.of("topic", s.topic(), "from", from, "target",
                Map.of("group", s.groupA()), "dryRun", true)).status()).isEqualTo(403);
        assertThat(admin.get("/replays?state=nonsense").json().get("field").asString()).isEqualTo("state");
        assertThat(admin.get("/replays/999999999").status()).isEqualTo(404);
    }

    private static String field(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        return r.json().get("field").asString();
    }

    @Test
    void listsJobsOfTheCallersAppOnly() throws Exception {
        Setup s = setup();
        long base = System.currentTimeMillis() - 60_000;
        produce(s.topic(), "l", 2, base);
        long a = admin.as(s.keyA()).post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base),
                "target", Map.of("group", s.groupA()))).json().get("id").asLong();
        long b = admin.as(s.keyB()).post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base),
                "target", Map.of("group", s.groupB()))).json().get("id").asLong();
        Set<Long> seenByA = new HashSet<>();
        admin.as(s.keyA()).get("/replays?size=100").json().get("items").forEach(j -> seenByA.add(j.get("id").asLong()));
        assertThat(seenByA).contains(a).doesNotContain(b);
        assertThat(admin.as(s.keyA()).get("/replays/" + b).status()).isEqualTo(403);
        JsonNode byTopic = admin.get("/replays?topic=" + s.topic()).json();
        assertThat(byTopic.get("total").asLong()).isEqualTo(2);
    }
}
