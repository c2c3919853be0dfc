package io.herald.server.bench;

import io.herald.server.support.TestInfra;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Payload search throughput (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/herald-cp.txt -Dmdep.includeScope=test
 * (cd server &amp;&amp; java -cp target/test-classes:target/classes:$(cat /tmp/herald-cp.txt) io.herald.server.bench.SearchBench)
 * </pre>
 * Records scanned a second by {@code POST /api/v1/topics/{topic}/search} (a text, then a JSON field) against a raw
 * KafkaConsumer loop reading the same range with the same settings (assign, seek, poll to the end offsets, touching
 * each value), measured in the same run, each from creating its consumer to the last record. Target: search ≥ 0.8
 * of raw. {@code -Drecords=400000 -Drounds=3}. One record in 10,000 matches, so the hits sent are few.
 */
public final class SearchBench {

    private static final int RECORDS = Integer.getInteger("records", 400_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final int PARTITIONS = 6;
    private static final String TOPIC = "search-bench";

    public static void main(String[] args) throws Exception {
        try (BenchServer server = new BenchServer()) {
            server.api.post("/apps", Map.of("name", "bench"));
            server.api.post("/topics", Map.of("name", TOPIC, "app", "bench", "partitions", PARTITIONS, "replicationFactor", 1));
            System.out.printf("load average before: %s%n", load());
            fill();
            String text = "{\"text\":\"needle-in-hay\",\"maxScan\":" + RECORDS + "}";
            String json = "{\"jsonPath\":\"$.order.customer\",\"value\":\"c-needle\",\"maxScan\":" + RECORDS + "}";
            // warm-up: the JIT, the broker's page cache
            raw();
            search(server, text);
            search(server, json);
            List<Double> raws = new ArrayList<>();
            List<Double> texts = new ArrayList<>();
            List<Double> jsons = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                raws.add(raw());
                texts.add(search(server, text));
                jsons.add(search(server, json));
                System.out.printf("round %d: raw %,.0f rec/s, text %,.0f rec/s, JSON field %,.0f rec/s (load %s)%n", i + 1,
                        raws.get(i), texts.get(i), jsons.get(i), load());
            }
            double raw = median(raws);
            double t = median(texts);
            double j = median(jsons);
            System.out.printf("median of %d rounds over %,d records: raw consumer %,.0f rec/s, search text %,.0f rec/s (%.2f of raw),"
                    + " JSON field %,.0f rec/s (%.2f of raw); target 0.8: %s%n", ROUNDS, RECORDS, raw, t, t / raw, j, j / raw,
                    t / raw >= 0.8 && j / raw >= 0.8 ? "MET" : "MISSED");
            System.out.printf("load average after: %s%n", load());
        }
        System.exit(0);
    }

    /** Orders of about 200 bytes; one in 10,000 mentions the needle. */
    private static void fill() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                boolean needle = i % 10_000 == 4_321;
                String value = "{\"order\":{\"id\":\"o-" + i + "\",\"customer\":\"" + (needle ? "c-needle" : "c-" + (i % 977))
                        + "\",\"amount\":" + (i % 500) + ".25,\"currency\":\"EUR\"},\"note\":\""
                        + (needle ? "needle-in-hay" : "nothing to see here, just an ordinary order") + "\",\"lines\":[1,2,3]}";
                p.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "o-" + i, value));
            }
            p.flush();
        }
        System.out.printf("wrote %,d records in %.1f s%n", RECORDS, (System.nanoTime() - t0) / 1e9);
    }

    /** A consumer with the search's settings reading the whole topic, touching each value. */
    private static double raw() {
        long t0 = System.nanoTime();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        long n = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            c.assign(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            c.seekToBeginning(tps);
            List<TopicPartition> active = new ArrayList<>(tps);
            while (!active.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    n++;
                    bytes += r.value().length;
                }
                active.removeIf(tp -> c.position(tp) >= end.get(tp));
            }
        }
        if (bytes == 0) {
            throw new IllegalStateException("nothing read");
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** A search over the API; records scanned a second, from the request to the summary line. */
    private static double search(BenchServer server, String body) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/topics/" + TOPIC
                        + "/search")).header("Authorization", "Bearer " + BenchServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        String last = null;
        int lines = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                last = line;
                lines++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.statusCode() != 200 || last == null || !last.contains("\"summary\"")) {
            throw new IllegalStateException("search answered " + r.statusCode() + ": " + last);
        }
        long scanned = Long.parseLong(last.replaceAll(".*\"scanned\":(\\d+).*", "$1"));
        if (scanned != RECORDS || lines - 1 != RECORDS / 10_000) {
            throw new IllegalStateException("search read " + scanned + " and found " + (lines - 1) + ": " + last);
        }
        return scanned / seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static String load() {
        return String.format("%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
