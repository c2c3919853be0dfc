package io.herald.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP ingestion throughput (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.bench.IngestBench
 * </pre>
 * Targets: ≥ 5,000 events/s one event a request, ≥ 30,000 events/s in batches. Every request is
 * answered only after Kafka acknowledged (acks=all), with the payload checked against a JSON Schema.
 */
public final class IngestBench {

    private static final int CLIENTS = Integer.getInteger("clients", 64);
    private static final int SECONDS = Integer.getInteger("seconds", 10);
    private static final int BATCH = Integer.getInteger("batch", 250);

    public static void main(String[] args) throws Exception {
        try (BenchServer server = new BenchServer()) {
            String key = server.api.post("/apps", Map.of("name", "bench")).json().get("apiKey").asString();
            server.api.post("/topics", Map.of("name", "ingest-bench-raw", "app", "bench", "partitions", 6, "replicationFactor", 1));
            server.api.post("/topics", Map.of("name", "ingest-bench", "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "order.created", "jsonSchema",
                            "{\"type\":\"object\",\"required\":[\"orderId\"],\"properties\":{\"orderId\":{\"type\":\"string\"}}}"))));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(server.base() + "/api/v1/topics/ingest-bench/events");
            String payload = "{\"orderId\":\"o-123456\",\"amount\":42.5,\"currency\":\"EUR\",\"customer\":\"c-778899\"}";

            AtomicLong ids = new AtomicLong();
            Sender single = () -> HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                    .header("ce-specversion", "1.0").header("ce-id", "e-" + ids.incrementAndGet()).header("ce-source", "/bench")
                    .header("ce-type", "order.created").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            Sender batch = () -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < BATCH; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"b-").append(ids.incrementAndGet())
                            .append("\",\"source\":\"/bench\",\"type\":\"order.created\",\"data\":").append(payload).append('}');
                }
                return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/cloudevents-batch+json")
                        .POST(HttpRequest.BodyPublishers.ofString(sb.append(']').toString())).build();
            };
            run(client, single, 1, 3, "warm-up single", 201);
            run(client, batch, BATCH, 3, "warm-up batch", 207);
            double single1 = run(client, single, 1, SECONDS, "single events (binary mode, " + CLIENTS + " clients)", 201);
            double raw1 = raw(1, "raw producer, send + wait for ack, " + CLIENTS + " threads");
            double batch1 = run(client, batch, BATCH, SECONDS, "batches of " + BATCH + " (" + CLIENTS + " clients)", 207);
            double rawBatch = raw(BATCH, "raw producer, " + BATCH + " sends + wait for all acks, " + CLIENTS + " threads");
            System.out.printf("ratio Herald / raw producer: single %.2f, batched %.2f%n", single1 / raw1, batch1 / rawBatch);
            System.out.println((single1 >= 5000 ? "single TARGET MET" : "single TARGET MISSED") + ", "
                    + (batch1 >= 30000 ? "batched TARGET MET" : "batched TARGET MISSED"));
        }
        System.exit(0);
    }

    interface Sender {
        HttpRequest next();
    }

    /** The same acknowledged writes without HTTP: a KafkaProducer with the publisher's settings, as many threads as clients. */
    private static double raw(int perWait, String name) throws Exception {
        byte[] payload = utf8("{\"orderId\":\"o-123456\",\"amount\":42.5,\"currency\":\"EUR\",\"customer\":\"c-778899\"}");
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> p = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.of("bootstrap.servers", io.herald.server.support.TestInfra.kafkaBootstrap(), "acks", "all", "enable.idempotence", true,
                        "linger.ms", 2, "batch.size", 131072), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            AtomicLong events = new AtomicLong();
            long start = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                pool.execute(() -> {
                    while (System.nanoTime() < end) {
                        java.util.List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>(perWait);
                        for (int i = 0; i < perWait; i++) {
                            var r = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>("ingest-bench-raw", null, payload);
                            r.headers().add("ce_specversion", utf8("1.0")).add("ce_id", utf8("r-" + System.nanoTime()))
                                    .add("ce_source", utf8("bench")).add("ce_type", utf8("order.created"))
                                    .add("content-type", utf8("application/json"));
                            acks.add(p.send(r));
                        }
                        try {
                            for (var f : acks) {
                                f.get();
                            }
                            events.addAndGet(perWait);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(SECONDS + 120, TimeUnit.SECONDS);
            double rate = events.get() / ((System.nanoTime() - start) / 1e9);
            System.out.printf("%-50s %,10.0f events/s%n", name, rate);
            return rate;
        }
    }

    private static double run(HttpClient client, Sender sender, int perRequest, int seconds, String name, int expect) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong events = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long[][] latencies = new long[CLIENTS][];
        long start = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            int me = c;
            pool.execute(() -> {
                long[] mine = new long[1 << 20];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(sender.next(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != expect || (expect == 207 && r.body().contains("\"status\":5"))) {
                            errors.incrementAndGet();
                        } else {
                            events.addAndGet(perRequest);
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (n < mine.length) {
                        mine[n++] = System.nanoTime() - t;
                    }
                }
                latencies[me] = Arrays.copyOf(mine, n);
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120, TimeUnit.SECONDS);
        double took = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%-50s %,10.0f events/s  (%,d events in %.1f s, %d errors)  request p50 %s  p99 %s%n", name,
                events.get() / took, events.get(), took, errors.get(), BenchServer.pct(all, 0.50), BenchServer.pct(all, 0.99));
        return events.get() / took;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }
}
