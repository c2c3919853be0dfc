package io.herald.server.search;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.trace.TraceFixtures;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Records written straight to Kafka (as any producer would) for search tests. */
public final class SearchFixtures {

    private SearchFixtures() {
    }

    /** One record with a message id and type, acknowledged. */
    public static void send(String topic, int partition, long timestamp, String key, String type, String value) {
        try {
            TraceFixtures.producer().send(record(topic, partition, timestamp, key, type, value)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code n} records on {@code partitions} partitions in turn, values from {@code value}, all acknowledged. */
    public static void bulk(String topic, int partitions, int n, String type, IntFunction<String> value) {
        KafkaProducer<String, String> producer = TraceFixtures.producer();
        for (int i = 0; i < n; i++) {
            producer.send(record(topic, i % partitions, System.currentTimeMillis(), "k-" + i, type, value.apply(i)));
        }
        producer.flush();
    }

    private static ProducerRecord<String, String> record(String topic, int partition, long timestamp, String key, String type,
                                                         String value) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, partition, timestamp, key, value);
        r.headers().add(HeraldHeaders.CE_ID, ("id-" + key + "-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_TYPE, type.getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
