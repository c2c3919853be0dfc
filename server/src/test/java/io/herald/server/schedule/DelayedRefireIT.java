package io.herald.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.ingest.Http;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Delayed events are fired at least once, and only the batch in flight is repeated: a server
 * stopped between Kafka's acknowledgement of a firing batch and its commit (here stopped at that
 * point in the test JVM, as a crash would leave it) leaves that batch behind, the next server
 * fires it again with the same ce_ids and counts each repeat in {@code herald.delayed.refired};
 * batches that committed are not repeated, and an event that fired is not scheduled again when
 * its {@code herald.delay} record is read a second time.
 */
class DelayedRefireIT {

    private static final String TOKEN = "refire-admin-token";
    private static final int BATCH = 5;

    private static ConfigurableApplicationContext server(String db, String intakeGroup) {
        return TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN,
                "--herald.schedule.intake-group=" + intakeGroup, "--herald.schedule.firing-threads=1",
                "--herald.schedule.firing-batch=" + BATCH, "--herald.dispatch.enabled=false", "--herald.trace.enabled=false");
    }

    private static String db() {
        return TestInfra.createDatabase("herald_refire_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    }

    private record Catalog(String key, String topic) {
    }

    private static Catalog catalog(ConfigurableApplicationContext server, String name) {
        Api api = TestServers.api(server, TOKEN);
        String key = api.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        assertThat(api.post("/topics", Map.of("name", name, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "remind")))).status()).isEqualTo(201);
        return new Catalog(key, name);
    }

    /** The events, all due at the same time in two seconds: one firing batch. */
    private static void postAll(ConfigurableApplicationContext server, Catalog c, List<String> ids) {
        String base = "http://127.0.0.1:" + TestServers.port(server);
        String due = Instant.now().plusSeconds(2).toString();
        for (String id : ids) {
            Http.Answer a = DelayedIT.postDelayed(base, c.key(), c.topic(), id, "Herald-Deliver-At", due);
            assertThat(a.status()).as(a.toString()).isEqualTo(201);
        }
    }

    private static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static Map<String, Long> perId(KafkaProbe probe) {
        return probe.poll().stream().collect(Collectors.groupingBy(r -> String.valueOf(KafkaProbe.header(r, HeraldHeaders.CE_ID)),
                TreeMap::new, Collectors.counting()));
    }

    private static double refired(ConfigurableApplicationContext server) {
        Counter c = server.getBean(MeterRegistry.class).find("herald.delayed.refired").counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void aServerStoppedBetweenPublishingABatchAndCommittingItLeavesOnlyThatBatchToBeFiredAgainAndCounted() throws Exception {
        String db = db();
        String name = "refire-" + Long.toString(System.nanoTime(), 36);
        List<String> committed = ids(name + "-committed", BATCH);
        List<String> inFlight = ids(name + "-in-flight", BATCH);
        CountDownLatch published = new CountDownLatch(1);
        CountDownLatch crash = new CountDownLatch(1);
        Catalog catalog;
        try (ConfigurableApplicationContext first = server(db, "herald.scheduler.refire-a-" + name)) {
            catalog = catalog(first, name);
            try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), name)) {
                // given a batch that fired and committed
                postAll(first, catalog, committed);
                await().atMost(Duration.ofSeconds(60)).until(() -> perId(probe).keySet().containsAll(committed));
                await().atMost(Duration.ofSeconds(10)).until(() -> first.getBean(DelayedEvents.class).pending() == 0);

                // when the next batch is published and acknowledged, and the server stops before its commit
                first.getBean(DelayedEvents.class).beforeCommit = () -> {
                    published.countDown();
                    try {
                        crash.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("the server stops here (test)");
                };
                postAll(first, catalog, inFlight);
                assertThat(published.await(60, TimeUnit.SECONDS)).as("the second batch reached its commit").isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> perId(probe).keySet().containsAll(inFlight));
            }
            crash.countDown();
        }

        // then the next server fires the batch in flight again, counts it, and nothing else
        try (ConfigurableApplicationContext second = server(db, "herald.scheduler.refire-b-" + name);
             KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), name)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> inFlight.stream().allMatch(id -> perId(probe).getOrDefault(id, 0L) == 2));
            await().atMost(Duration.ofSeconds(10)).until(() -> second.getBean(DelayedEvents.class).pending() == 0);
            // a few more firing rounds: nothing else comes
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            Map<String, Long> counts = perId(probe);
            committed.forEach(id -> assertThat(counts.get(id)).as(id + " in " + counts).isEqualTo(1L));
            inFlight.forEach(id -> assertThat(counts.get(id)).as(id + " in " + counts).isEqualTo(2L));
            assertThat(counts).hasSize(2 * BATCH);
            assertThat(refired(second)).as("herald.delayed.refired").isEqualTo(BATCH);
            System.out.printf("DelayedRefireIT: %d events fired, %d records in the topic, %d repeated (batch of %d in flight),"
                              + " herald.delayed.refired=%.0f%n", 2 * BATCH, counts.values().stream().mapToLong(Long::longValue).sum(),
                    counts.values().stream().filter(n -> n > 1).count(), BATCH, refired(second));
        }
    }

    @Test
    void anEventThatFiredIsNotScheduledAgainWhenItsDelayRecordIsReadAgain() throws Exception {
        String db = db();
        String name = "reread-" + Long.toString(System.nanoTime(), 36);
        List<String> ids = ids(name, 3);
        try (ConfigurableApplicationContext first = server(db, "herald.scheduler.reread-a-" + name);
             KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), catalog(first, name).topic())) {
            // given events written to herald.delay by a producer (as the SDK does) that fired
            writeToDelayTopic(name, ids, System.currentTimeMillis() + 1000);
            await().atMost(Duration.ofSeconds(60)).until(() -> perId(probe).keySet().containsAll(ids));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.getBean(DelayedEvents.class).pending() == 0);
        }
        // when the next server's intake reads herald.delay from its start again (an intake group of its own, as
        // when the group's offsets were lost or a crash came before the intake committed them)
        String rereading = "herald.scheduler.reread-b-" + name;
        try (ConfigurableApplicationContext second = server(db, rereading);
             KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), name)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> caughtUp(rereading));
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.getBean(DelayedEvents.class).pending() == 0);

            // then each event is in the topic once
            Map<String, Long> counts = perId(probe);
            assertThat(counts).as("records per ce_id").hasSize(ids.size());
            ids.forEach(id -> assertThat(counts.get(id)).as(id + " in " + counts).isEqualTo(1L));
        }
    }

    private static void writeToDelayTopic(String topic, List<String> ids, long due) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String id : ids) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(HeraldTopics.DELAY, id.getBytes(StandardCharsets.UTF_8),
                        "{\"y\":2}".getBytes(StandardCharsets.UTF_8));
                header(r, HeraldHeaders.CE_SPECVERSION, "1.0");
                header(r, HeraldHeaders.CE_ID, id);
                header(r, HeraldHeaders.CE_SOURCE, topic);
                header(r, HeraldHeaders.CE_TYPE, "remind");
                header(r, HeraldHeaders.CE_TIME, Instant.now().toString());
                header(r, HeraldHeaders.CONTENT_TYPE, "application/json");
                header(r, HeraldHeaders.DELAY_UNTIL, String.valueOf(due));
                header(r, HeraldHeaders.TARGET_TOPIC, topic);
                producer.send(r).get();
            }
        }
    }

    private static void header(ProducerRecord<byte[], byte[]> r, String name, String value) {
        r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the group committed up to the end of every partition of herald.delay. */
    private static boolean caughtUp(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            int partitions = admin.describeTopics(List.of(HeraldTopics.DELAY)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(HeraldTopics.DELAY).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(HeraldTopics.DELAY, p), p -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset());
        }
    }
}
