package io.herald.sdk.outbox.bench;

import io.herald.sdk.outbox.Outbox;
import io.herald.sdk.testing.TestKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * On demand, not a test: relay throughput of the outbox. Writes {@code --rows} committed rows of
 * {@code --size} bytes (in transactions of 1000), then starts the relay and measures until the table
 * is empty. Kafka: {@code HERALD_TEST_KAFKA_BOOTSTRAP} or an in-process broker; PostgreSQL:
 * {@code HERALD_TEST_DB_URL} (admin database) or 127.0.0.1:5432 as postgres. Drops its database and
 * deletes its topic at the end.
 */
public final class OutboxRelayBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(arg(args, "--rows", "200000"));
        int size = Integer.parseInt(arg(args, "--size", "1024"));
        int batch = Integer.parseInt(arg(args, "--batch", "2000"));
        String admin = env("HERALD_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = env("HERALD_TEST_DB_USER", "postgres");
        String password = env("HERALD_TEST_DB_PASSWORD", "");
        String name = "herald_outbox_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection c = DriverManager.getConnection(admin, user, password)) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        String url = admin.substring(0, admin.lastIndexOf('/') + 1) + name;
        SimpleDriverDataSource ds = new SimpleDriverDataSource(new org.postgresql.Driver(), url, user, password);
        Outbox.createTable(ds);
        String topic = TestKafka.uniqueTopic("outbox-bench");
        TestKafka.createTopics(6, topic);
        byte[] payload = new byte[size];
        try (Outbox writer = Outbox.builder().withDataSource(ds).withAppName("bench").withKafkaBootstrap(TestKafka.bootstrap()).build();
             Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                writer.send(c, topic, "bench", "k" + (i % 1000), payload);
                if (i % 1000 == 999) {
                    c.commit();
                }
            }
            c.commit();
        }
        Outbox relay = Outbox.builder().withDataSource(ds).withAppName("bench").withKafkaBootstrap(TestKafka.bootstrap())
                .withBatchSize(batch).build();
        long t0 = System.nanoTime();
        relay.start();
        while (relay.pending() > 0) {
            LockSupport.parkNanos(5_000_000L);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        relay.close();
        System.out.printf("OUTBOX RELAY %d rows of %d B in %.2f s = %.0f msg/s (batch %d)%n", rows, size, secs, rows / secs, batch);
        try (Connection c = DriverManager.getConnection(admin, user, password)) {
            c.createStatement().execute("DROP DATABASE " + name);
        }
        deleteTopic(topic);
        System.exit(0);
    }

    /** The benchmark's own topic only (a few hundred MB of broker log per run). */
    static void deleteTopic(String topic) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()))) {
            admin.deleteTopics(java.util.List.of(topic)).all().get();
        } catch (Exception e) {
            System.out.println("topic " + topic + " not deleted: " + e);
        }
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
