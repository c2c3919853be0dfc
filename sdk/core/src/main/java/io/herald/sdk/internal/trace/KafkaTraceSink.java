package io.herald.sdk.internal.trace;

import io.herald.sdk.wire.HeraldTopics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The trace shipper's own producer: acks=1, {@code herald.tracing.compression} (none by default), a
 * longer linger, not idempotent. Timepoints are diagnostics, so they must not share the business
 * producer's buffer (a trace burst would delay sends) nor its acks=all latency; losing one in a
 * leader failover is acceptable.
 *
 * <p>A record is still keyed by its first timepoint's message id, but the key does not pick the
 * partition ({@code partitioner.ignore.keys}): nothing reads {@code herald.trace} by key, and keyed
 * records (each holding hundreds of timepoints of as many messages) went each to another partition,
 * so every record opened a batch of its own: a produce request per record and, with compression, a
 * compressor's buffers (lz4: two of 64 KiB) per record. Sticky, the records of one linger share a
 * batch.
 */
public final class KafkaTraceSink implements TraceSink {

    private final KafkaProducer<byte[], byte[]> producer;

    /** @param base the business producer's properties (bootstrap, security, ...); trace settings override them */
    public KafkaTraceSink(Map<String, Object> base, String clientId, long lingerMs, String compression) {
        this.producer = new KafkaProducer<>(properties(base, clientId, lingerMs, compression), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** The trace producer's properties: the business producer's, with the trace settings over them. */
    static Map<String, Object> properties(Map<String, Object> base, String clientId, long lingerMs, String compression) {
        Map<String, Object> p = new java.util.HashMap<>(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        p.put(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, true);
        p.remove(ProducerConfig.PARTITIONER_CLASS_CONFIG);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000L);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(30_000, (int) lingerMs + 30_000));
        p.put(ProducerConfig.RETRIES_CONFIG, 3);
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return p;
    }

    @Override
    public void send(byte[] key, byte[] value, Runnable onFailure) {
        try {
            producer.send(new ProducerRecord<>(HeraldTopics.TRACE, key, value), (md, e) -> {
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
