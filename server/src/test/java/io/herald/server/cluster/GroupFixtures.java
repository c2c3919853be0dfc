package io.herald.server.cluster;

import static org.awaitility.Awaitility.await;

import io.herald.server.support.TestInfra;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Consumer groups for tests: real Kafka consumers that commit, and groups made of committed offsets alone. */
public final class GroupFixtures {

    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    private GroupFixtures() {
    }

    public static synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()));
        }
        return admin;
    }

    /** The id of one broker of the test cluster. */
    public static int brokerId() {
        try {
            return admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe the cluster", e);
        }
    }

    /** Writes {@code n} records to the topic (round robin over its partitions) and waits for the acknowledgements. */
    public static synchronized void produce(String topic, int n) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class, ProducerConfig.LINGER_MS_CONFIG, 1));
        }
        try {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\":" + i + "}")).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /** A group with no members whose only trace is a committed offset on partition 0 of the topic. */
    public static String committed(String topic, long offset) {
        String group = "cg-" + Long.toString(System.nanoTime(), 36);
        commit(group, topic, 0, offset);
        return group;
    }

    public static void commit(String group, String topic, int partition, long offset) {
        try {
            admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, partition), new OffsetAndMetadata(offset)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot commit for " + group, e);
        }
    }

    /** Committed offsets of a group, by partition of the topic. */
    public static Map<Integer, Long> offsets(String group, String topic) {
        try {
            Map<Integer, Long> out = new HashMap<>();
            admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read offsets of " + group, e);
        }
    }

    /**
     * A running consumer of the group on the topic: it joined, read {@code read} records and committed
     * them. Close it to leave the group.
     */
    public static KafkaConsumer<String, String> consumer(String group, String topic, int read) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.CLIENT_ID_CONFIG, "client-" + group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        c.subscribe(List.of(topic));
        int[] got = {0};
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (got[0] < read) {
                got[0] += c.poll(Duration.ofMillis(200)).count();
            }
            return got[0] >= read;
        });
        c.commitSync(Duration.ofSeconds(30));
        return c;
    }

    /** Closes a consumer, which leaves its group at once. */
    public static void leave(KafkaConsumer<?, ?> c) {
        c.close(Duration.ofSeconds(10));
    }
}
