package io.herald.server.bench;

import com.sun.net.httpserver.HttpServer;
import io.herald.server.support.TestInfra;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * HTTP push dispatcher throughput to a local no-op endpoint (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.bench.DispatchBench
 * </pre>
 * Target ≥ 5,000 messages/s. In the same run and on the same records: a raw consume loop (Kafka
 * only, no HTTP) and a hand-written consume-and-POST loop with the same concurrency, as ratios.
 */
public final class DispatchBench {

    private static final int MESSAGES = Integer.getInteger("messages", 100_000);
    private static final int CONCURRENCY = Integer.getInteger("concurrency", 32);

    public static void main(String[] args) throws Exception {
        AtomicLong hits = new AtomicLong();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        endpoint.setExecutor(Executors.newFixedThreadPool(CONCURRENCY));
        endpoint.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            hits.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        endpoint.start();
        String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook";
        try (BenchServer server = new BenchServer()) {
            server.api.post("/apps", Map.of("name", "bench"));
            String topic = "push-bench-" + Long.toString(System.nanoTime(), 36);
            server.api.post("/topics", Map.of("name", topic, "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "order.created"))));
            produce(topic, MESSAGES);
            System.out.printf("%,d records of ~200 bytes on %s (6 partitions), endpoint %s%n", MESSAGES, topic, url);

            double raw = rawConsume(topic, MESSAGES);
            System.out.printf("%-55s %,10.0f msg/s%n", "raw consume loop (Kafka only, no HTTP)", raw);
            hits.set(0);
            double handPush = handWrittenPush(topic, MESSAGES, url, hits);
            System.out.printf("%-55s %,10.0f msg/s%n", "hand-written consume + POST loop (" + CONCURRENCY + " threads)", handPush);

            hits.set(0);
            long binding = server.api.post("/bindings", Map.of("app", "bench", "group", "push-bench", "topic", topic, "kind", "FANOUT"))
                    .json().get("id").asLong();
            long start = System.nanoTime();
            server.api.post("/processors", Map.of("bindingId", binding, "address", url, "concurrency", CONCURRENCY,
                    "timeoutMillis", 5000, "retryCount", 3, "retryIntervalMillis", 100));
            long firstAt = 0;
            while (hits.get() < MESSAGES && System.nanoTime() - start < 300e9) {
                if (firstAt == 0 && hits.get() > 0) {
                    firstAt = System.nanoTime();
                }
                LockSupport.parkNanos(1_000_000L);
            }
            double took = (System.nanoTime() - firstAt) / 1e9;
            double herald = hits.get() / took;
            System.out.printf("%-55s %,10.0f msg/s  (%,d pushed in %.1f s after the first)%n",
                    "Herald push dispatcher (concurrency " + CONCURRENCY + ")", herald, hits.get(), took);
            System.out.printf("ratio Herald / hand-written push loop: %.2f;  Herald / raw consume loop: %.3f%n", herald / handPush, herald / raw);
            System.out.println(herald >= 5000 ? "TARGET MET: >= 5,000 msg/s" : "TARGET MISSED");
        } finally {
            endpoint.stop(0);
        }
        System.exit(0);
    }

    private static void produce(String topic, int n) {
        byte[] payload = ("{\"orderId\":\"o-123456\",\"amount\":42.5,\"currency\":\"EUR\",\"customer\":\"c-778899\","
                + "\"lines\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}],\"note\":\"leave at the door\"}")
                .getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 262144), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, ("k" + (i % 10_000)).getBytes(), payload);
                r.headers().add("ce_specversion", "1.0".getBytes()).add("ce_id", ("m-" + i).getBytes()).add("ce_source", "bench".getBytes())
                        .add("ce_type", "order.created".getBytes()).add("ce_time", "2030-01-01T00:00:00Z".getBytes())
                        .add("content-type", "application/json".getBytes());
                p.send(r);
            }
            p.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static double rawConsume(String topic, int n) {
        try (KafkaConsumer<byte[], byte[]> c = consumer("raw-" + System.nanoTime())) {
            c.subscribe(List.of(topic));
            long count = 0;
            long bytes = 0;
            long start = 0;
            while (count < n) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(100));
                if (start == 0 && !rs.isEmpty()) {
                    start = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : rs) {
                    bytes += r.value().length;
                    count++;
                }
                c.commitSync();
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The simplest correct pusher: poll, POST each record from a pool (binary-mode headers), wait for the batch, commit. */
    private static double handWrittenPush(String topic, int n, String url, AtomicLong hits) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        URI uri = URI.create(url);
        try (KafkaConsumer<byte[], byte[]> c = consumer("hand-" + System.nanoTime())) {
            c.subscribe(List.of(topic));
            long count = 0;
            long start = 0;
            while (count < n) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(100));
                if (rs.isEmpty()) {
                    continue;
                }
                if (start == 0) {
                    start = System.nanoTime();
                }
                List<Future<?>> done = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : rs) {
                    done.add(pool.submit(() -> {
                        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(r.value()));
                        r.headers().forEach(h -> b.header(h.key().startsWith("ce_") ? "ce-" + h.key().substring(3) : h.key(),
                                new String(h.value(), StandardCharsets.UTF_8)));
                        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                c.commitSync();
                count += rs.count();
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
