package io.herald.server.dispatch;

import io.herald.sdk.internal.trace.TraceSink;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where the push dispatcher's timepoints go: {@code herald.trace.topic}, through a producer of its
 * own (acks=1, a linger, not idempotent), as an SDK instance ships its timepoints. A burst of
 * timepoints then never shares the buffer of the server's acks=all producer that ingestion and dead
 * letters use. Called from the tracer's shipper thread only.
 */
final class DispatchTraceSink implements TraceSink {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    DispatchTraceSink(Map<String, Object> base, String topic) {
        Map<String, Object> p = new java.util.HashMap<>(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-dispatch-trace");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000L);
        Object request = p.getOrDefault(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(120_000, 20 + Integer.parseInt(String.valueOf(request))));
        p.put(ProducerConfig.RETRIES_CONFIG, 3);
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    @Override
    public void send(byte[] key, byte[] value, Runnable onFailure) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
                if (e != null) {
                    onFailure.run();
                }
            });
        } catch (RuntimeException e) {
            onFailure.run();
        }
    }

    @Override
    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
