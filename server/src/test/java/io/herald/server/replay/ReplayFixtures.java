package io.herald.server.replay;

import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Replay jobs and Kafka reads for tests. */
public final class ReplayFixtures {

    private ReplayFixtures() {
    }

    /** App A owning a topic (3 partitions, types x and y) and group gA on it; app B with group gB on it. */
    static ReplayIT.Setup setup(io.herald.server.support.Api admin) {
        String suffix = Long.toString(System.nanoTime(), 36);
        String a = "ra-" + suffix;
        String b = "rb-" + suffix;
        String keyA = admin.post("/apps", Map.of("name", a)).json().get("apiKey").asString();
        String keyB = admin.post("/apps", Map.of("name", b)).json().get("apiKey").asString();
        String topic = "rt-" + suffix;
        check(admin.post("/topics", Map.of("name", topic, "app", a, "partitions", 3, "replicationFactor", 1,
                "types", List.of(Map.of("name", "x"), Map.of("name", "y")))), 201);
        check(admin.post("/bindings", Map.of("app", a, "group", "ga-" + a, "topic", topic, "kind", "FANOUT")), 201);
        check(admin.post("/bindings", Map.of("app", b, "group", "gb-" + b, "topic", topic, "kind", "FANOUT")), 201);
        return new ReplayIT.Setup(a, keyA, b, keyB, topic, "ga-" + a, "gb-" + b);
    }

    private static void check(io.herald.server.support.Api.Response r, int status) {
        if (r.status() != status) {
            throw new AssertionError(r.toString());
        }
    }

    /**
     * A job of the app that an instance which does not exist holds with a live lease: nothing copies it,
     * so it stays RUNNING (for requests that need an unfinished job).
     */
    public static long heldJob(String app, String topic) {
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
             var ps = c.prepareStatement("INSERT INTO replay_job (kind, state, source_topic, original_topic, target_topic, app,"
                     + " total, created_by, owner, lease_until) VALUES ('WINDOW', 'RUNNING', ?, ?, ?, ?, 0, 'test', ?,"
                     + " now() + interval '1 hour') RETURNING id")) {
            ps.setString(1, topic);
            ps.setString(2, topic);
            ps.setString(3, topic);
            ps.setString(4, app);
            ps.setString(5, "elsewhere-" + UUID.randomUUID());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything a topic holds now (empty when it does not exist). */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            Map<String, List<PartitionInfo>> topics = c.listTopics(Duration.ofSeconds(10));
            if (!topics.containsKey(topic)) {
                return out;
            }
            List<TopicPartition> tps = topics.get(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 60_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
