package io.herald.server.bench;

import io.herald.server.support.TestInfra;
import java.lang.management.ManagementFactory;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The consumer groups page with 1,000 groups (on demand, not part of the test suite). It creates
 * 1,000 groups with committed offsets on 10 topics of 3 partitions (with records, so every group has
 * lag), signs in to the console like a browser and times the list page (first page, a search, a later
 * page), a group's page and the API list. Target: console list p95 ≤ 150 ms.
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.bench.ConsumerGroupsBench [-Dgroups=1000] [-Drequests=300]
 * </pre>
 * Prints p50/p95/p99 and the load average before and after (the machine is shared: read the figures with it).
 */
public final class ConsumerGroupsBench {

    private static final int GROUPS = Integer.getInteger("groups", 1000);
    private static final int REQUESTS = Integer.getInteger("requests", 300);
    private static final int TOPICS = 10;
    private static final int PARTITIONS = 3;
    private static final String PASSWORD = "bench-admin-password";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private ConsumerGroupsBench() {
    }

    public static void main(String[] args) {
        try {
            bench();
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // an in-process Kafka would keep the JVM alive
        }
    }

    private static void bench() throws Exception {
        try (BenchServer server = new BenchServer("--herald.security.admin-password=" + PASSWORD);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()))) {
            String prefix = "cgb" + Long.toString(System.nanoTime(), 36);
            server.api.post("/apps", Map.of("name", prefix));
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < TOPICS; i++) {
                String t = prefix + "-t" + i;
                server.api.post("/topics", Map.of("name", t, "app", prefix, "partitions", PARTITIONS, "replicationFactor", 1));
                topics.add(t);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestInfra.kafkaBootstrap(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class, ProducerConfig.LINGER_MS_CONFIG, 5))) {
                for (String t : topics) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        for (int i = 0; i < 20; i++) {
                            producer.send(new ProducerRecord<>(t, p, "k", "v" + i));
                        }
                    }
                }
                producer.flush();
            }
            // 1,000 groups, each committed on every partition of one or two topics; 100 commits in flight at a time
            long t0 = System.nanoTime();
            List<KafkaFuture<Void>> pending = new ArrayList<>();
            for (int g = 0; g < GROUPS; g++) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (String t : List.of(topics.get(g % TOPICS), topics.get((g * 7 + 3) % TOPICS))) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        offsets.put(new TopicPartition(t, p), new OffsetAndMetadata(g % 20));
                    }
                }
                pending.add(admin.alterConsumerGroupOffsets(String.format("%s-g%04d", prefix, g), offsets).all());
                if (pending.size() >= 100) {
                    for (KafkaFuture<Void> f : pending) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    pending.clear();
                }
            }
            for (KafkaFuture<Void> f : pending) {
                f.get(60, TimeUnit.SECONDS);
            }
            int inCluster = admin.listGroups().all().get(60, TimeUnit.SECONDS).size();
            System.out.printf("seeded %,d groups with committed offsets in %.1f s (%,d groups in the cluster), %d topics x %d partitions%n",
                    GROUPS, (System.nanoTime() - t0) / 1e9, inCluster, TOPICS, PARTITIONS);

            HttpClient http = signIn(server.base());
            String base = server.base();
            IntFunction<String> firstPage = i -> base + "/consumer-groups";
            IntFunction<String> search = i -> base + "/consumer-groups?q=" + prefix + "-g0" + (i % 10);
            IntFunction<String> laterPage = i -> base + "/consumer-groups?page=" + (i % Math.max(1, GROUPS / 50));
            IntFunction<String> group = i -> base + "/consumer-groups/" + String.format("%s-g%04d", prefix, i % GROUPS);
            IntFunction<String> apiList = i -> base + "/api/v1/consumer-groups";

            System.out.printf("load average before: %.2f%n", load());
            measure(http, "warm-up", firstPage, 50, false);
            measure(http, "warm-up", apiList, 50, true);
            long[] page = measure(http, "console GET /consumer-groups (first page of 50)", firstPage, REQUESTS, false);
            measure(http, "console GET /consumer-groups?q= (search)", search, REQUESTS, false);
            measure(http, "console GET /consumer-groups?page= (any page)", laterPage, REQUESTS, false);
            measure(http, "console GET /consumer-groups/{group}", group, REQUESTS, false);
            long[] api = measure(http, "API GET /api/v1/consumer-groups (first page of 50)", apiList, REQUESTS, true);
            double p95 = page[Math.min(page.length - 1, (int) Math.ceil(0.95 * page.length) - 1)] / 1e6;
            double apiP95 = api[Math.min(api.length - 1, (int) Math.ceil(0.95 * api.length) - 1)] / 1e6;
            System.out.printf("%s: console list p95 %.1f ms, API p95 %.1f ms with %,d groups (target p95 <= 150 ms)   load average after: %.2f%n",
                    p95 <= 150 && apiP95 <= 150 ? "TARGET MET" : "TARGET MISSED", p95, apiP95, inCluster, load());
        }
    }

    private static long[] measure(HttpClient http, String name, IntFunction<String> url, int n, boolean api) throws Exception {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.apply(i)));
            if (api) {
                b.header("Authorization", "Bearer " + BenchServer.TOKEN);
            }
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - t;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
        }
        Arrays.sort(nanos);
        if (!name.equals("warm-up")) {
            System.out.printf("%-55s p50 %s  p95 %s  p99 %s  (%d requests)%n", name, BenchServer.pct(nanos, 0.50),
                    BenchServer.pct(nanos, 0.95), BenchServer.pct(nanos, 0.99), n);
        }
        return nanos;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static HttpClient signIn(String base) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        String login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = CSRF.matcher(login);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the login page");
        }
        String form = "username=admin&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302 || r.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in failed: " + r.statusCode() + " " + r.headers().map());
        }
        return http;
    }
}
