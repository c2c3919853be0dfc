package io.herald.server.bench;

import io.herald.server.HeraldServer;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Catalog read latency with 10,000 topics (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.bench.CatalogBench
 * </pre>
 * Targets: {@code GET /topics/{topic}} p99 ≤ 20 ms, {@code GET /topics?page=} p99 ≤ 50 ms.
 */
public final class CatalogBench {

    private static final int TOPICS = Integer.getInteger("topics", 10_000);
    private static final int KAFKA_TOPICS = 20;

    public static void main(String[] args) throws Exception {
        String db = TestInfra.createDatabase("herald_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(HeraldServer.class).run("--server.port=0",
                "--spring.datasource.url=" + db, "--spring.datasource.username=" + TestInfra.dbUser(),
                "--spring.datasource.password=" + TestInfra.dbPassword(),
                "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(), "--herald.security.admin-token=bench-token",
                "--logging.level.root=WARN")) {
            int port = ((WebServerApplicationContext) server).getWebServer().getPort();
            Api api = new Api("http://127.0.0.1:" + port + "/api/v1", "bench-token");
            api.post("/apps", Map.of("name", "bench"));
            String prefix = "b" + Long.toString(System.nanoTime(), 36);
            for (int i = 0; i < KAFKA_TOPICS; i++) {
                api.post("/topics", Map.of("name", prefix + "-kafka-" + i, "app", "bench", "partitions", 3, "replicationFactor", 1,
                        "types", java.util.List.of(Map.of("name", "a"), Map.of("name", "b"))));
            }
            seed(db, prefix);
            System.out.printf("catalog: %,d topics (%d of them in Kafka)%n", TOPICS + KAFKA_TOPICS, KAFKA_TOPICS);

            ThreadLocalRandom r = ThreadLocalRandom.current();
            IntFunction<String> getCatalog = i -> "/topics/" + prefix + "-" + String.format("%05d", r.nextInt(TOPICS)) + "?kafka=false";
            IntFunction<String> getWithKafka = i -> "/topics/" + prefix + "-kafka-" + r.nextInt(KAFKA_TOPICS);
            IntFunction<String> listPage = i -> "/topics?size=50&page=" + r.nextInt(TOPICS / 50);
            IntFunction<String> searchPage = i -> "/topics?size=50&q=" + String.format("%03d", r.nextInt(1000));

            measure(api, "warm-up", getCatalog, 2000, false);
            measure(api, "warm-up", listPage, 500, false);
            measure(api, "GET /topics/{topic} (catalog)", getCatalog, 5000, true);
            measure(api, "GET /topics/{topic} (with Kafka state)", getWithKafka, 1000, true);
            measure(api, "GET /topics?page= (50 a page)", listPage, 2000, true);
            measure(api, "GET /topics?q= (search, 50 a page)", searchPage, 1000, true);
        }
        System.exit(0);
    }

    private static void seed(String db, String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection(db, TestInfra.dbUser(), TestInfra.dbPassword())) {
            c.setAutoCommit(false);
            long appId;
            try (var rs = c.createStatement().executeQuery("SELECT id FROM app WHERE name = 'bench'")) {
                rs.next();
                appId = rs.getLong(1);
            }
            try (PreparedStatement t = c.prepareStatement("INSERT INTO topic (name, collision_name, app_id, partitions,"
                    + " replication_factor, retention_ms, description) VALUES (?, ?, ?, 3, 1, 604800000, ?)")) {
                for (int i = 0; i < TOPICS; i++) {
                    String name = prefix + "-" + String.format("%05d", i);
                    t.setString(1, name);
                    t.setString(2, name.replace('.', '_'));
                    t.setLong(3, appId);
                    t.setString(4, "Benchmark topic " + i);
                    t.addBatch();
                }
                t.executeBatch();
            }
            c.createStatement().execute("INSERT INTO message_type (topic_id, name) SELECT id, 'created' FROM topic WHERE name LIKE '"
                    + prefix + "-0%' OR name LIKE '" + prefix + "-1%'");
            c.createStatement().execute("INSERT INTO message_type (topic_id, name) SELECT id, 'updated' FROM topic WHERE name LIKE '"
                    + prefix + "-%' AND name NOT LIKE '%kafka%'");
            c.commit();
            c.createStatement().execute("ANALYZE");
        }
    }

    private static void measure(Api api, String label, IntFunction<String> path, int n, boolean print) {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            String p = path.apply(i);
            long t0 = System.nanoTime();
            Api.Response resp = api.get(p);
            nanos[i] = System.nanoTime() - t0;
            if (resp.status() != 200) {
                throw new IllegalStateException(p + " answered " + resp);
            }
        }
        if (print) {
            Arrays.sort(nanos);
            System.out.printf("%-42s n=%5d  p50=%6.2f ms  p95=%6.2f ms  p99=%6.2f ms  max=%6.2f ms%n", label, n,
                    nanos[n / 2] / 1e6, nanos[(int) (n * 0.95)] / 1e6, nanos[(int) (n * 0.99)] / 1e6, nanos[n - 1] / 1e6);
        }
    }
}
