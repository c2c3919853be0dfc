package io.herald.server.ingest;

import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.provisioning.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The server's one producer for events it writes itself: HTTP ingestion, fired delayed and cron
 * events, dead letters of the push dispatcher. {@code acks=all} and idempotent, so an event
 * reported as written survives a broker loss and a retried batch is not duplicated. Sends are
 * bounded in time ({@code max.block.ms}, {@code delivery.timeout.ms}): a dead Kafka turns into
 * {@link KafkaUnavailableException} (503), never into a caller hanging for a minute.
 */
@Component
public class EventPublisher implements DisposableBean {

    private final KafkaProducer<byte[], byte[]> producer;
    private final long waitMs;

    EventPublisher(KafkaClientConfig kafka, IngestProperties props) {
        Map<String, Object> config = kafka.base();
        long delivery = props.deliveryTimeout().toMillis();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, props.lingerMs());
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, props.maxBlock().toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, (delivery - props.lingerMs()) / 2));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.max(1024 * 1024, props.maxEventSize().toBytes() + 64 * 1024));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-server-publisher");
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.waitMs = delivery + props.maxBlock().toMillis() + 1000;
    }

    /** Sends one record; the future completes when Kafka acknowledged it or fails with a {@link io.herald.server.common.HeraldException}. */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    result.complete(metadata);
                } else {
                    result.completeExceptionally(translate(record.topic(), error));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(translate(record.topic(), e));
        }
        return result;
    }

    /** Sends one record and waits for the acknowledgement. */
    public RecordMetadata sendAndWait(ProducerRecord<byte[], byte[]> record) {
        return await(send(record));
    }

    /** Sends all records at once (one Kafka batch where they share a partition) and waits for every acknowledgement. */
    public List<RecordMetadata> sendAllAndWait(List<ProducerRecord<byte[], byte[]>> records) {
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            futures.add(send(r));
        }
        List<RecordMetadata> out = new ArrayList<>(records.size());
        for (CompletableFuture<RecordMetadata> f : futures) {
            out.add(await(f));
        }
        return out;
    }

    /** Waits for a future from {@link #send}, at most the delivery timeout. */
    public RecordMetadata await(CompletableFuture<RecordMetadata> future) {
        try {
            return future.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new KafkaUnavailableException("Kafka did not acknowledge the event: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not acknowledge the event within " + waitMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while waiting for Kafka", e);
        }
    }

    /**
     * Fetches the topic's partition metadata now, so that the first send to it later does not wait
     * for the fetch (the scheduler calls this shortly before a burst of due events). Never throws.
     */
    public void warm(String topic) {
        try {
            producer.partitionsFor(topic);
        } catch (RuntimeException e) {
            // the send itself will report it
        }
    }

    /** Flushes buffered records (used before a firing transaction commits). */
    public void flush() {
        producer.flush();
    }

    static RuntimeException translate(String topic, Throwable error) {
        if (error instanceof RecordTooLargeException) {
            return new IngestException(HttpStatus.CONTENT_TOO_LARGE, "Event too large",
                    "Kafka refused the record as too large for topic '" + topic + "'", "data");
        }
        return new KafkaUnavailableException("Kafka did not take the event for topic '" + topic + "': " + error.getMessage(), error);
    }

    Duration waitTime() {
        return Duration.ofMillis(waitMs);
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(5));
    }
}
