package io.herald.server.trace;

import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.provisioning.KafkaClientConfig;
import jakarta.annotation.PreDestroy;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

/**
 * Reads one record back from Kafka by partition and offset, for the people allowed to see payloads.
 * One consumer without a group is kept and shared (a consumer is single-threaded, so reads take turns).
 */
@Component
class PayloadFetcher {

    static final int MAX_SHOWN = 64 * 1024;

    private final KafkaClientConfig clients;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> consumer;

    PayloadFetcher(KafkaClientConfig clients, TraceProperties props) {
        this.clients = clients;
        this.timeout = props.payloadTimeout();
    }

    synchronized Payload fetch(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            KafkaConsumer<byte[], byte[]> c = consumer();
            c.assign(List.of(tp));
            c.seek(tp, offset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
                    return r.offset() == offset ? payload(r) : Payload.missing(topic, partition, offset);
                }
                if (c.position(tp, timeout) > offset) {
                    return Payload.missing(topic, partition, offset);
                }
                Long end = c.endOffsets(List.of(tp), timeout).get(tp);
                if (end != null && end <= offset) {
                    return Payload.missing(topic, partition, offset);
                }
            }
            throw new KafkaUnavailableException("Kafka did not return the record within " + timeout.toMillis() + " ms", null);
        } catch (org.apache.kafka.clients.consumer.InvalidOffsetException e) {
            return Payload.missing(topic, partition, offset);
        } catch (KafkaException e) {
            close();
            throw new KafkaUnavailableException("Reading the record from Kafka failed: " + e.getMessage(), e);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> config = clients.base();
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-payload-reader");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer = new KafkaConsumer<>(config);
        }
        return consumer;
    }

    @PreDestroy
    synchronized void close() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                // closing anyway
            }
            consumer = null;
        }
    }

    static Payload payload(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : text(h.value(), 1024));
        }
        byte[] value = r.value() == null ? new byte[0] : r.value();
        boolean truncated = value.length > MAX_SHOWN;
        byte[] shown = truncated ? java.util.Arrays.copyOf(value, MAX_SHOWN) : value;
        String text = utf8(shown, truncated);
        return new Payload(true, r.topic(), r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                r.key() == null ? null : text(r.key(), 1024), headers, headers.get("content-type"), text,
                text == null ? Base64.getEncoder().encodeToString(shown) : null, value.length, truncated);
    }

    private static String text(byte[] bytes, int max) {
        String s = utf8(bytes.length > max ? java.util.Arrays.copyOf(bytes, max) : bytes, bytes.length > max);
        return s != null ? s : "base64:" + Base64.getEncoder().encodeToString(bytes.length > max ? java.util.Arrays.copyOf(bytes, max) : bytes);
    }

    /** The bytes as text when they are UTF-8 (a cut at the end may split a character), else null. */
    private static String utf8(byte[] bytes, boolean cut) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int length = bytes.length;
        for (int tries = 0; tries < (cut ? 4 : 1) && length > 0; tries++, length--) {
            try {
                return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
            } catch (CharacterCodingException e) {
                decoder.reset();
            }
        }
        return length == 0 && bytes.length == 0 ? "" : null;
    }
}
