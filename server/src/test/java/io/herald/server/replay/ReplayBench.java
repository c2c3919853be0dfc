package io.herald.server.replay;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.HeraldServer;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Replay throughput against a raw consume→produce copy loop in the same run (on demand):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.replay.ReplayBench [-Drecords=300000] [-Drounds=5]
 * </pre>
 * A topic of {@code records} 1 KiB CloudEvents records in 6 partitions is copied alternately by the raw
 * loop (same consumer and producer settings as a job, no progress, no checks) and by a replay job to a
 * group, after a warm-up round; the figure is the raw loop's total time over the replay's (the machine is
 * noisy, so rounds alternate and are summed). Target: ≥ 0.70.
 */
public final class ReplayBench {

    private static final int RECORDS = Integer.getInteger("records", 300_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 5);
    private static final String TOKEN = "bench-token";

    public static void main(String[] args) throws Exception {
        String dbName = "herald_rbench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String db = TestInfra.createDatabase(dbName);
        String app = "rb" + Long.toString(System.nanoTime(), 36);
        String source = app + "-orders";
        String group = app + "-billing";
        List<String> created = new ArrayList<>(List.of(source, HeraldTopics.replay(group), source + "." + group + ".dlt"));
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(HeraldServer.class).run("--server.port=0", "--herald.grpc.port=0",
                "--spring.datasource.url=" + db, "--spring.datasource.username=" + TestInfra.dbUser(),
                "--spring.datasource.password=" + TestInfra.dbPassword(), "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(),
                "--herald.security.admin-token=" + TOKEN, "--herald.trace.enabled=false", "--herald.replay.replay-topic-partitions=6",
                "--logging.level.root=WARN");
             Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrap()))) {
            Api api = new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server).getWebServer().getPort() + "/api/v1", TOKEN);
            api.post("/apps", Map.of("name", app));
            check(api.post("/topics", Map.of("name", source, "app", app, "partitions", 6, "replicationFactor", 1)), 201);
            check(api.post("/bindings", Map.of("app", app, "group", group, "topic", source, "kind", "FANOUT")), 201);
            fill(source);
            ReplayKafka kafka = server.getBean(ReplayKafka.class);

            double bestRaw = 0;
            double bestReplay = 0;
            double rawSeconds = 0;
            double replaySeconds = 0;
            for (int round = 0; round <= ROUNDS; round++) {
                String rawTarget = app + "-raw-" + round;
                admin.createTopics(List.of(new NewTopic(rawTarget, 6, (short) 1))).all().get();
                created.add(rawTarget);
                double raw = raw(kafka, source, rawTarget);
                double replay = replay(api, source, group);
                String label = round == 0 ? "warm-up" : "round " + round;
                System.out.printf("%-8s raw copy loop %,9.0f records/s   replay job %,9.0f records/s   ratio %.2f%n", label, raw,
                        replay, replay / raw);
                if (round > 0) {
                    bestRaw = Math.max(bestRaw, raw);
                    bestReplay = Math.max(bestReplay, replay);
                    rawSeconds += RECORDS / raw;
                    replaySeconds += RECORDS / replay;
                }
            }
            double ratio = rawSeconds / replaySeconds;
            System.out.printf("replay / raw copy over %d rounds of %,d records of 1 KiB: %.2f (best against best %.2f; target >= 0.70) %s%n",
                    ROUNDS, RECORDS, ratio, bestReplay / bestRaw, ratio >= 0.70 ? "OK" : "MISSED");
            admin.deleteTopics(created).all().get();
        } finally {
            try (Connection c = DriverManager.getConnection(TestInfra.adminDbUrl(), TestInfra.dbUser(), TestInfra.dbPassword())) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
            }
        }
        System.exit(0);
    }

    private static void check(Api.Response r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException(r.toString());
        }
    }

    private static void fill(String topic) throws Exception {
        byte[] value = new byte[1024];
        ThreadLocalRandom.current().nextBytes(value);
        long started = System.nanoTime();
        long base = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrap(), ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, base + i / 100,
                        ("key-" + (i % 10_000)).getBytes(StandardCharsets.UTF_8), value);
                r.headers().add(HeraldHeaders.CE_SPECVERSION, "1.0".getBytes(StandardCharsets.UTF_8));
                r.headers().add(HeraldHeaders.CE_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
                r.headers().add(HeraldHeaders.CE_SOURCE, "bench".getBytes(StandardCharsets.UTF_8));
                r.headers().add(HeraldHeaders.CE_TYPE, "order.created".getBytes(StandardCharsets.UTF_8));
                r.headers().add(HeraldHeaders.CONTENT_TYPE, "application/octet-stream".getBytes(StandardCharsets.UTF_8));
                p.send(r);
            }
            p.flush();
        }
        System.out.printf("source: %,d records of 1 KiB in 6 partitions, written in %.1f s%n", RECORDS,
                (System.nanoTime() - started) / 1e9);
    }

    /** The plain loop: read every partition from the start, send each record on, flush at the end. */
    private static double raw(ReplayKafka kafka, String source, String target) {
        long started = System.nanoTime();
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> c = kafka.reader("bench-raw", 2000);
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.producerConfig("bench-raw"))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                tps.add(new TopicPartition(source, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(tps));
            long copied = 0;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    p.send(new ProducerRecord<>(target, null, null, r.key(), r.value(), r.headers()), (md, e) -> {
                        if (e != null) {
                            failed.set(e);
                        }
                    });
                    copied++;
                }
            }
            p.flush();
            if (failed.get() != null || copied != RECORDS) {
                throw new IllegalStateException("raw copy: " + copied + " copied, " + failed.get());
            }
        }
        return RECORDS / ((System.nanoTime() - started) / 1e9);
    }

    /** A replay job of the whole topic to the group, timed from the request to DONE. */
    private static double replay(Api api, String source, String group) throws InterruptedException {
        long started = System.nanoTime();
        Api.Response r = api.post("/replays", Map.of("topic", source, "from", "0", "to", Instant.now().toString(),
                "target", Map.of("group", group)));
        check(r, 201);
        long id = r.json().get("id").asLong();
        JsonNode job;
        do {
            Thread.sleep(20);
            job = api.get("/replays/" + id).json();
        } while (!job.get("state").asString().equals("DONE"));
        double seconds = (System.nanoTime() - started) / 1e9;
        if (job.get("copied").asLong() != RECORDS) {
            throw new IllegalStateException("replay copied " + job.get("copied") + " of " + RECORDS);
        }
        return RECORDS / seconds;
    }
}
