package io.herald.server.bench;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * 100,000 delayed events due in the same second (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.bench.DelayBench
 * </pre>
 * They are written to {@code herald.delay} as the SDK writes them, moved into the timer table by
 * the server, and must all be on the target topic within 2 s of their due time, none before it.
 * A first burst of {@code -Dwarmup} events 20 s earlier warms the firing path up.
 */
public final class DelayBench {

    private static final int EVENTS = Integer.getInteger("events", 100_000);
    private static final int LEAD_SECONDS = Integer.getInteger("lead", 40);
    /** Events of a first, smaller burst 20 s earlier to another topic, so the measured burst finds the firing path compiled (as on a server that has been running). */
    private static final int WARMUP = Integer.getInteger("warmup", 10_000);

    public static void main(String[] args) throws Exception {
        try (BenchServer server = new BenchServer(args)) {
            server.api.post("/apps", Map.of("name", "bench"));
            String topic = "delay-bench-" + Long.toString(System.nanoTime(), 36);
            server.api.post("/topics", Map.of("name", topic, "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "remind"))));
            server.api.post("/topics", Map.of("name", topic + "-warm", "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "remind"))));
            long due = (System.currentTimeMillis() / 1000 + LEAD_SECONDS) * 1000;
            System.out.printf("load average before: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            byte[] payload = "{\"reminder\":\"pay the invoice\",\"invoice\":\"INV-2030-000123\"}".getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestInfra.kafkaBootstrap(), ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 262144,
                    ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
                byte[] dueBytes = String.valueOf(due).getBytes(StandardCharsets.UTF_8);
                byte[] warmDue = String.valueOf(due - 20_000).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < WARMUP; i++) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(HeraldTopics.DELAY, ("k" + (i % 5000)).getBytes(), payload);
                    r.headers().add(HeraldHeaders.CE_SPECVERSION, "1.0".getBytes()).add(HeraldHeaders.CE_ID, ("w-" + i).getBytes())
                            .add(HeraldHeaders.CE_SOURCE, "bench".getBytes()).add(HeraldHeaders.CE_TYPE, "remind".getBytes())
                            .add(HeraldHeaders.CONTENT_TYPE, "application/json".getBytes()).add(HeraldHeaders.DELAY_UNTIL, warmDue)
                            .add(HeraldHeaders.TARGET_TOPIC, (topic + "-warm").getBytes());
                    producer.send(r);
                }
                for (int i = 0; i < EVENTS; i++) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(HeraldTopics.DELAY, ("k" + (i % 5000)).getBytes(), payload);
                    r.headers().add(HeraldHeaders.CE_SPECVERSION, "1.0".getBytes());
                    r.headers().add(HeraldHeaders.CE_ID, ("d-" + i).getBytes());
                    r.headers().add(HeraldHeaders.CE_SOURCE, "bench".getBytes());
                    r.headers().add(HeraldHeaders.CE_TYPE, "remind".getBytes());
                    r.headers().add(HeraldHeaders.CONTENT_TYPE, "application/json".getBytes());
                    r.headers().add(HeraldHeaders.DELAY_UNTIL, dueBytes);
                    r.headers().add(HeraldHeaders.TARGET_TOPIC, topic.getBytes());
                    producer.send(r);
                }
                producer.flush();
            }
            System.out.printf("wrote %,d delayed records to %s in %.1f s%n", EVENTS, HeraldTopics.DELAY, (System.nanoTime() - t0) / 1e9);
            String db = server.context.getEnvironment().getProperty("spring.datasource.url");
            long stored;
            // until every row is stored and the warm-up burst (due 20 s earlier) has fired
            while (((stored = count(db)) != EVENTS || System.currentTimeMillis() < due - 15_000) && System.currentTimeMillis() < due - 500) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
            }
            System.out.printf("timer table holds %,d rows %.1f s after the first write; due in %.1f s%n", stored,
                    (System.nanoTime() - t0) / 1e9, (due - System.currentTimeMillis()) / 1e3);

            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                long[] lateness = new long[EVENTS];
                int seen = 0;
                long early = 0;
                long lastArrival = 0;
                long deadline = due + 30_000;
                while (seen < EVENTS && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.timestamp() < due) {
                            early++;
                        }
                        lateness[seen++] = r.timestamp() - due;
                        lastArrival = System.currentTimeMillis();
                    }
                }
                long[] sorted = Arrays.copyOf(lateness, seen);
                Arrays.sort(sorted);
                System.out.printf("%,d of %,d delivered, %d before due; last on Kafka %d ms after due (seen by a consumer %d ms after);"
                                + " lateness p50 %d ms, p99 %d ms, max %d ms%n", seen, EVENTS, early,
                        seen == 0 ? -1 : sorted[seen - 1], lastArrival - due, seen == 0 ? -1 : sorted[seen / 2],
                        seen == 0 ? -1 : sorted[(int) Math.ceil(seen * 0.99) - 1], seen == 0 ? -1 : sorted[seen - 1]);
                System.out.printf("load average after: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                System.out.println(seen == EVENTS && sorted[seen - 1] <= 2000 && early == 0
                        ? "TARGET MET: all delivered within 2 s of due, none early" : "TARGET MISSED");
                double raw = rawProduce(topic + "-raw", payload);
                System.out.printf("same run, raw KafkaProducer (acks=all, idempotent, as Herald's publisher) writing the same %,d records:"
                        + " %d ms; Herald's last delivery / raw produce time = %.2f%n", EVENTS, (long) raw,
                        seen == 0 ? 0 : sorted[seen - 1] / raw);
            }
        }
        System.exit(0);
    }

    /** Milliseconds a plain producer with Herald's publisher settings needs for the same records. */
    private static double rawProduce(String topic, byte[] payload) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrap(), ProducerConfig.LINGER_MS_CONFIG, 2, ProducerConfig.BATCH_SIZE_CONFIG, 131072,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, ("k" + (i % 5000)).getBytes(), payload);
                r.headers().add(HeraldHeaders.CE_SPECVERSION, "1.0".getBytes()).add(HeraldHeaders.CE_ID, ("d-" + i).getBytes())
                        .add(HeraldHeaders.CE_SOURCE, "bench".getBytes()).add(HeraldHeaders.CE_TYPE, "remind".getBytes())
                        .add(HeraldHeaders.CONTENT_TYPE, "application/json".getBytes());
                producer.send(r);
            }
            producer.flush();
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static long count(String db) throws Exception {
        try (Connection c = DriverManager.getConnection(db, TestInfra.dbUser(), TestInfra.dbPassword());
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM delayed_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
