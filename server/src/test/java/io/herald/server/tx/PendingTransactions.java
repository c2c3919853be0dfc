package io.herald.server.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.TransactionState;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Pending two-phase messages for console tests: a producer that wrote its half message and never decided. */
public final class PendingTransactions {

    private PendingTransactions() {
    }

    /** A pending message of a new app, as the server's transaction worker stored it. */
    public record Pending(String app, String topic, String messageId) {
    }

    /**
     * A new app and topic, a check interval long enough that no check-back interferes, and one
     * two-phase message whose local transaction answered UNKNOWN (no decision sent).
     */
    public static Pending pending(Api admin, String name, String key) throws Exception {
        String app = name;
        Api.Response a = admin.post("/apps", Map.of("name", app, "owner", "team"));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        String topic = name + "-orders";
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        Api.Response s = admin.send("PUT", "/producer-settings/" + app, Map.of("checkProtocol", "KAFKA",
                "checkIntervalMs", 600_000, "maxChecks", 15));
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        return another(admin, app, topic, key);
    }

    /** One more pending message of the same app and topic. */
    public static Pending another(Api admin, String app, String topic, String key) throws Exception {
        String id;
        try (Herald producer = Herald.builder().withAppName(app).withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").build()) {
            id = producer.sendTransactional(topic, "order-created", key, Map.of("order", key), messageId -> TransactionState.UNKNOWN)
                    .messageId();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/transactions/" + id).status() == 200);
        assertThat(admin.get("/transactions/" + id).json().get("state").asString()).isEqualTo("PENDING");
        return new Pending(app, topic, id);
    }

    /** The ce_ids on a topic, read to its end. */
    public static List<String> idsOn(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<String> ids = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader(HeraldHeaders.CE_ID);
                    ids.add(h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8));
                }
            }
            return ids;
        }
    }
}
