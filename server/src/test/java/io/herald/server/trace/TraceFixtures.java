package io.herald.server.trace;

import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Timepoints for tests: shipped to herald.trace as an SDK would, or written straight into the store. */
public final class TraceFixtures {

    private static KafkaProducer<String, String> producer;

    private TraceFixtures() {
    }

    public static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.LINGER_MS_CONFIG, 1));
        }
        return producer;
    }

    /** Ships timepoints to herald.trace (keyed by message id) and waits for Kafka's acknowledgement. */
    public static void ship(Timepoint... timepoints) {
        try {
            for (Timepoint t : timepoints) {
                producer().send(new ProducerRecord<>(HeraldTopics.TRACE, t.messageId(), Api.JSON.writeValueAsString(t)));
            }
            producer().flush();
        } catch (RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void shipRaw(String key, String value) throws Exception {
        producer().send(new ProducerRecord<>(HeraldTopics.TRACE, key, value)).get(60, TimeUnit.SECONDS);
    }

    /** A timepoint with the usual fields; the rest null. */
    public static Timepoint tp(String id, String kind, long time, String topic, String key, String group, Integer attempt,
                               String error) {
        return new Timepoint(id, kind, time, topic, "order.created", key, group == null ? "shop" : "billing", group,
                "i-1", 0, 0L, null, null, attempt, error, null, null);
    }

    /** Writes a SENT timepoint for a new message straight into the store and returns the message id. */
    public static String seedSent(String topic, int partition, long offset) {
        String id = "m-" + UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
             PreparedStatement ps = c.prepareStatement("INSERT INTO trace_timepoint (at, message_id, kind, topic, type,"
                     + " kafka_partition, kafka_offset) VALUES (?, ?, 'SENT', ?, 't1', ?, ?)")) {
            ps.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
            ps.setString(2, id);
            ps.setString(3, topic);
            ps.setInt(4, partition);
            ps.setLong(5, offset);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }
}
