package io.herald.server.trace;

import io.herald.sdk.internal.trace.TimepointWriter;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.HeraldServer;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trace store's speed (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.trace.TraceBench [-Dstored=10000000] [-Dtimepoints=1000000]
 * </pre>
 * Seeds {@code stored} timepoints (4 per message, over the last 3 days) with generate_series, then
 * measures ingestion of {@code timepoints} shipped to a trace topic beforehand as SDKs ship them
 * ({@code -Dformat=binary|json}, see {@link #ship}) (consume, parse, COPY,
 * commit; after a warm-up round), then lookups by message id and by key over HTTP.
 * Targets: ingestion ≥ 50,000 timepoints/s; lookup p99 ≤ 50 ms.
 */
public final class TraceBench {

    private static final long STORED = Long.getLong("stored", 10_000_000L);
    private static final int TIMEPOINTS = Integer.getInteger("timepoints", 1_000_000);
    private static final int WARMUP = Integer.getInteger("warmup", 200_000);
    private static final String TOKEN = "bench-token";

    public static void main(String[] args) throws Exception {
        String dbName = "herald_tbench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String db = TestInfra.createDatabase(dbName);
        String topic = "bench.trace." + Long.toString(System.nanoTime(), 36);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(HeraldServer.class).run("--server.port=0", "--herald.grpc.port=0",
                "--spring.datasource.url=" + db, "--spring.datasource.username=" + TestInfra.dbUser(),
                "--spring.datasource.password=" + TestInfra.dbPassword(), "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(),
                "--herald.security.admin-token=" + TOKEN, "--herald.trace.topic=" + topic, "--herald.replay.enabled=false",
                "--logging.level.root=WARN")) {
            int port = ((WebServerApplicationContext) server).getWebServer().getPort();
            Api api = new Api("http://127.0.0.1:" + port + "/api/v1", TOKEN);
            JdbcTemplate jdbc = server.getBean(JdbcTemplate.class);
            TraceIngester ingester = server.getBean(TraceIngester.class);

            seed(db, STORED);

            ingester.stop();
            long records = ship(topic, 0, WARMUP);
            ingest(ingester, jdbc, topic, records, WARMUP, "warm-up");
            ingester.stop();
            records += ship(topic, WARMUP, WARMUP + TIMEPOINTS);
            double rate = ingest(ingester, jdbc, topic, records, TIMEPOINTS, "measured");
            System.out.printf("trace ingestion: %,.0f timepoints/s (target >= 50,000) %s%n", rate, rate >= 50_000 ? "OK" : "MISSED");
            var meters = server.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            for (String stage : List.of("read", "write")) {
                var t = meters.get("herald.trace.ingest.batch").tag("stage", stage).timer();
                System.out.printf("  %s: %d batches, %.0f ms in all, %.1f ms a batch%n", stage, t.count(),
                        t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS), t.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
            }

            long rows = jdbc.queryForObject("SELECT count(*) FROM trace_timepoint", Long.class);
            System.out.printf("stored timepoints: %,d%n", rows);
            long messages = STORED / 4;
            ThreadLocalRandom r = ThreadLocalRandom.current();
            IntFunction<String> byId = i -> "/messages/bm-" + r.nextLong(messages) + "/trace";
            IntFunction<String> byKey = i -> "/traces?key=cust-" + r.nextLong(Math.max(1, messages / 5)) + "&size=20";
            measure(api, "warm-up", byId, 1000, false);
            measure(api, "warm-up", byKey, 1000, false);
            measure(api, "GET /messages/{id}/trace", byId, 5000, true);
            measure(api, "GET /traces?key=", byKey, 5000, true);
        } finally {
            try (Connection c = DriverManager.getConnection(TestInfra.adminDbUrl(), TestInfra.dbUser(), TestInfra.dbPassword())) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrap()))) {
                admin.deleteTopics(List.of(topic)).all().get();
            }
        }
        System.exit(0);
    }

    /** {@code stored} timepoints: 4 per message (SENT, two groups RECEIVED, one HANDLED), 5 messages per key. */
    private static void seed(String db, long stored) throws Exception {
        long messages = stored / 4;
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db, TestInfra.dbUser(), TestInfra.dbPassword());
             Statement s = c.createStatement()) {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            for (int d = 0; d <= 4; d++) {
                LocalDate day = today.minusDays(d);
                s.execute("CREATE TABLE IF NOT EXISTS " + TracePartitions.name(day) + " PARTITION OF trace_timepoint FOR VALUES FROM ('"
                        + day.atStartOfDay(ZoneOffset.UTC).toInstant() + "') TO ('"
                        + day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant() + "')");
            }
            long chunk = 500_000;
            for (long from = 0; from < messages; from += chunk) {
                long to = Math.min(messages, from + chunk) - 1;
                s.execute("INSERT INTO trace_timepoint (at, message_id, kind, topic, type, msg_key, app, group_name, instance,"
                        + " kafka_partition, kafka_offset, duration_ms, attempt, trace_id, traceparent)"
                        + " SELECT t.ts + k.d * interval '1 millisecond', 'bm-' || m, k.kind, 'bench-topic-' || (m % 20), 'order.created',"
                        + " 'cust-' || (m % " + Math.max(1, messages / 5) + "), k.app, k.grp, 'i-' || (m % 8), (m % 6)::int, m / 6,"
                        + " k.dur, k.attempt, CASE WHEN m % 4 = 0 THEN md5(m::text) END,"
                        + " CASE WHEN m % 4 = 0 THEN '00-' || md5(m::text) || '-00f067aa0ba902b7-01' END"
                        + " FROM generate_series(" + from + "::bigint, " + to + "::bigint) AS m,"
                        + " LATERAL (SELECT now() - ((m * 7919) % 259200000) * interval '1 millisecond' AS ts) t,"
                        + " (VALUES ('SENT', 0, 'shop', NULL, 3, NULL), ('RECEIVED', 4, 'billing', 'billing', NULL, 1),"
                        + " ('RECEIVED', 5, 'audit', 'audit', NULL, 1), ('HANDLED', 9, 'billing', 'billing', 5, 1))"
                        + " AS k(kind, d, app, grp, dur, attempt)");
                System.out.printf("  seeded %,d of %,d timepoints (%.0f s)%n", (to + 1) * 4, messages * 4,
                        (System.nanoTime() - started) / 1e9);
            }
            s.execute("ANALYZE trace_timepoint");
        }
        System.out.printf("seeded %,d timepoints in %.0f s%n", messages * 4, (System.nanoTime() - started) / 1e9);
    }

    /**
     * Ships timepoints as an SDK does, three per message: binary records of 256 timepoints
     * ({@code -Dformat=binary}, the SDK's form) or one JSON object per record ({@code -Dformat=json},
     * what a client in another language may send); acks=1, batched. Returns the Kafka records written.
     */
    private static long ship(String topic, int from, int to) throws Exception {
        boolean binary = !"json".equals(System.getProperty("format", "binary"));
        JsonMapper json = JsonMapper.builder().build();
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfra.kafkaBootstrap(), ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.COMPRESSION_TYPE_CONFIG,
                binary ? "none" : "lz4", ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<Timepoint> batch = new java.util.ArrayList<>();
            for (int i = from; i < to; i++) {
                String id = "ing-" + (i / 3);
                String kind = switch (i % 3) {
                    case 0 -> Timepoint.SENT;
                    case 1 -> Timepoint.RECEIVED;
                    default -> Timepoint.HANDLED;
                };
                Timepoint t = new Timepoint(id, kind, now + i % 1000, "orders", "order.created", "cust-" + (i % 100_000),
                        kind.equals(Timepoint.SENT) ? "shop" : "billing", kind.equals(Timepoint.SENT) ? null : "billing",
                        "i-" + (i % 8), i % 6, (long) i, now, 3L, kind.equals(Timepoint.SENT) ? null : 1, null,
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
                if (!binary) {
                    p.send(new ProducerRecord<>(topic, id, json.writeValueAsBytes(t)));
                    continue;
                }
                batch.add(t);
                if (batch.size() == 256 || i == to - 1) {
                    p.send(new ProducerRecord<>(topic, batch.get(0).messageId(), TimepointWriter.encode(batch)));
                    batch.clear();
                }
            }
            p.flush();
        }
        return binary ? (to - from + 255) / 256 : to - from;
    }

    /** Ingests until {@code records} of the topic are stored; the rate counts {@code n} timepoints. */
    private static double ingest(TraceIngester ingester, JdbcTemplate jdbc, String topic, long records, long n, String label)
            throws Exception {
        long pgBefore = pgCpuMillis(jdbc);
        long start = System.nanoTime();
        ingester.start();
        List<Thread> threads = List.of();
        long javaBefore = 0;
        while (stored(jdbc, topic) < records) {
            if (threads.size() < 2) {
                threads = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("herald-trace-ingest") || t.getName().equals("herald-trace-write")).toList();
                javaBefore = cpu(threads);
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double javaCpu = (cpu(threads) - javaBefore) / 1e9;
        double pgCpu = (pgCpuMillis(jdbc) - pgBefore) / 1e3;
        double rate = n / seconds;
        System.out.printf("  %s: %,d timepoints in %.2f s = %,.0f/s; CPU: ingest threads %.2f s, PostgreSQL %.2f s"
                + " = %,.0f timepoints per CPU-second (load average %.1f on %d cores)%n", label, n, seconds, rate, javaCpu, pgCpu,
                n / (javaCpu + pgCpu), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        return rate;
    }

    private static long cpu(List<Thread> threads) {
        return threads.stream().mapToLong(t -> Math.max(0, THREADS.getThreadCpuTime(t.getId()))).sum();
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of this database's PostgreSQL backends (from /proc), milliseconds. */
    private static long pgCpuMillis(JdbcTemplate jdbc) {
        long ticks = 0;
        for (Integer pid : jdbc.queryForList("SELECT pid FROM pg_stat_activity WHERE datname = current_database()", Integer.class)) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException | RuntimeException e) {
                // gone, or not on this machine
            }
        }
        return ticks * 10;
    }

    private static long stored(JdbcTemplate jdbc, String topic) {
        Long n = jdbc.queryForObject("SELECT coalesce(sum(next_offset), 0) FROM trace_ingest_offset WHERE topic = ?", Long.class, topic);
        return n == null ? 0 : n;
    }

    private static void measure(Api api, String label, IntFunction<String> path, int n, boolean print) {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            Api.Response r = api.get(path.apply(i));
            nanos[i] = System.nanoTime() - t;
            if (r.status() != 200 && r.status() != 404) {
                throw new IllegalStateException(label + ": " + r);
            }
        }
        if (print) {
            Arrays.sort(nanos);
            System.out.printf("%-28s n=%d  p50 %s  p95 %s  p99 %s  max %s%n", label, n, pct(nanos, 0.50), pct(nanos, 0.95),
                    pct(nanos, 0.99), pct(nanos, 1.0));
        }
    }

    private static String pct(long[] sorted, double p) {
        long v = sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        return String.format("%.1f ms", v / 1e6);
    }
}
