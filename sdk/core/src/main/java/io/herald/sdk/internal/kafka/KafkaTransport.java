package io.herald.sdk.internal.kafka;

import static io.herald.sdk.HeraldSettings.*;

import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.MessageRejectedException;
import io.herald.sdk.SendFailedException;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default transport: one shared idempotent producer, one consumer per delivery thread. */
public final class KafkaTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(KafkaTransport.class);

    private final HeraldConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final long maxBlockMs;
    private final long deliveryTimeoutMs;
    /**
     * Whether a record timed out since the last acknowledgement: the first timeout of an outage is
     * logged, the others are not (one dead broker used to log a line per record), and the first
     * acknowledgement after it says Kafka is back.
     */
    private final AtomicBoolean outage = new AtomicBoolean();

    public KafkaTransport(HeraldConfig config, String clientId) {
        this.config = config;
        if (config.getString(KAFKA_BOOTSTRAP_SERVERS) == null) {
            throw new HeraldConfigException("missing required setting '" + KAFKA_BOOTSTRAP_SERVERS
                                            + "' (the Kafka transport needs it; or pass another transport)");
        }
        this.maxBlockMs = config.getLong(PRODUCER_MAX_BLOCK_MS);
        this.deliveryTimeoutMs = config.getLong(PRODUCER_DELIVERY_TIMEOUT_MS);
        this.producer = new KafkaProducer<>(producerProperties(config, clientId), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    static Map<String, Object> producerProperties(HeraldConfig config, String clientId) {
        Map<String, Object> props = new HashMap<>(passThrough(config, ConsumerConfig.configNames(), ProducerConfig.configNames()));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(KAFKA_BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, config.getString(PRODUCER_ACKS));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, config.getBoolean(PRODUCER_IDEMPOTENCE));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.getLong(PRODUCER_MAX_BLOCK_MS));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.getLong(PRODUCER_DELIVERY_TIMEOUT_MS));
        props.put(ProducerConfig.LINGER_MS_CONFIG, config.getLong(PRODUCER_LINGER_MS));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, config.getInt(PRODUCER_BATCH_SIZE));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.getString(PRODUCER_COMPRESSION));
        return props;
    }

    static Map<String, Object> consumerProperties(HeraldConfig config, String group, String clientId) {
        Map<String, Object> props = new HashMap<>(passThrough(config, ProducerConfig.configNames(), ConsumerConfig.configNames()));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(KAFKA_BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.getString(CONSUMER_AUTO_OFFSET_RESET));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(CONSUMER_MAX_POLL_RECORDS));
        // A consumer that starts before its topic is in the catalog must not make a broker that allows
        // auto-creation create it with the broker's defaults (one partition, default retention): the topic
        // is created by Herald's catalog, with the partitions and retention asked there.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return props;
    }

    /** Kafka properties given by the user, without those that only the other client type knows. */
    private static Map<String, String> passThrough(HeraldConfig config, Set<String> otherOnly, Set<String> mine) {
        Map<String, String> out = new HashMap<>();
        config.kafkaProperties().forEach((k, v) -> {
            if (mine.contains(k) || !otherOnly.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public void publish(OutgoingRecord record, PublishCallback callback) {
        send(new Pending(record.topic(), record.timestamp(), record.key(), record.value(), record.headers(), callback));
    }

    @Override
    public void publish(String topic, byte[] key, byte[] value, long timestamp, Header[] headers, PublishCallback callback) {
        Pending pr = new Pending(topic, timestamp, key, value, null, callback);
        org.apache.kafka.common.header.Headers h = pr.headers();
        for (Header header : headers) {
            h.add(header); // into the record's own list: no list of Herald's to copy
        }
        send(pr);
    }

    private void send(Pending pr) {
        try {
            producer.send(pr, pr);
        } catch (RuntimeException e) {
            pr.callback.onComplete(-1, -1, pr.timestamp(), translate(pr.topic(), e, true));
        } finally {
            pr.inSend = false;
        }
    }

    /**
     * The record and its completion callback in one object (the producer keeps the record until the
     * callback anyway): per send, Herald adds only these two fields to what a raw producer's caller
     * allocates. The callback runs on the producer's I/O thread: keep it short.
     */
    private final class Pending extends ProducerRecord<byte[], byte[]> implements org.apache.kafka.clients.producer.Callback {
        private final PublishCallback callback;
        /**
         * True while {@code producer.send} runs: a failure reported then comes from the wait for
         * metadata or buffer space ({@code max.block.ms}); later ones from the record's expiry
         * ({@code delivery.timeout.ms}). Only the calling thread reads it while it is true.
         */
        boolean inSend = true;

        Pending(String topic, long timestamp, byte[] key, byte[] value, List<Header> headers, PublishCallback callback) {
            super(topic, null, timestamp, key, value, headers);
            this.callback = callback;
        }

        @Override
        public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception error) {
            if (error == null) {
                if (outage.get() && outage.compareAndSet(true, false)) {
                    log.info("Kafka acknowledges records again (topic {})", topic());
                }
                callback.onComplete(metadata.partition(), metadata.offset(), metadata.timestamp(), null);
            } else {
                callback.onComplete(-1, -1, timestamp(), translate(topic(), error, inSend));
            }
        }
    }

    /** {@code duringSend}: the failure came while {@code producer.send} ran (so from max.block.ms). */
    private RuntimeException translate(String topic, Exception error, boolean duringSend) {
        if (error instanceof TimeoutException) {
            String limit = duringSend ? BrokerUnavailableException.MAX_BLOCK : BrokerUnavailableException.DELIVERY_TIMEOUT;
            String what = duringSend
                    ? "Kafka did not take the record for topic '" + topic + "' within max.block.ms=" + maxBlockMs
                      + " (" + PRODUCER_MAX_BLOCK_MS + "): no metadata or no buffer space"
                    : "Kafka did not acknowledge the record for topic '" + topic + "' within delivery.timeout.ms="
                      + deliveryTimeoutMs + " (" + PRODUCER_DELIVERY_TIMEOUT_MS + ")";
            if (outage.compareAndSet(false, true)) {
                log.warn("{}: {}; further records failing the same way are not logged until Kafka acknowledges one again",
                        what, error.getMessage());
            }
            return new BrokerUnavailableException(what + ": " + error.getMessage(), error, null, limit);
        }
        if (error instanceof RetriableException) {
            return new SendFailedException("Kafka refused the record for topic '" + topic + "' (transient): "
                                           + error.getMessage(), error);
        }
        if (error instanceof IllegalStateException && String.valueOf(error.getMessage()).contains("closed")) {
            return new BrokerUnavailableException("The Herald producer is closed", error);
        }
        return new MessageRejectedException("Kafka refused the record for topic '" + topic + "': " + error.getMessage(), error);
    }

    @Override
    public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
        Map<String, Object> props = consumerProperties(config, spec.group(), spec.clientId());
        if (isReplayTopic(spec.topic())) {
            // A group's replay topic appears with its first replay job, maybe long after this consumer
            // started. Subscribed by pattern, a missing topic is no error (by name, the client would log
            // UNKNOWN_TOPIC_OR_PARTITION at every metadata refresh); it is found at the next metadata
            // refresh. Everything in it is meant for the group, so a new replay topic is read from its start.
            props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, config.getLong(REPLAY_DISCOVERY_INTERVAL_MS));
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
        return new KafkaSubscription(spec, processor, config, props);
    }

    /** Whether {@code topic} is a group's replay topic ({@code herald.replay.<group>}). */
    static boolean isReplayTopic(String topic) {
        return topic.startsWith(io.herald.sdk.wire.HeraldTopics.replay(""));
    }

    /** Producer properties for another producer of this app (the trace shipper's): connection and security as configured. */
    public Map<String, Object> producerProperties() {
        return producerProperties(config, "unused");
    }

    @Override
    public void close() {
        producer.close(Duration.ofMillis(Math.max(maxBlockMs, 5_000)));
    }
}
