package io.herald.sdk.testing;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TimepointCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads {@code herald.trace} from its start, keeping what it read, for assertions on timepoints. */
public final class TraceReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Timepoint> read = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();

    public TraceReader() {
        ensureTopic(HeraldTopics.TRACE, 1);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "trace-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(HeraldTopics.TRACE));
    }

    /** Creates the topic unless it exists (the in-process broker does not create topics on use). */
    public static void ensureTopic(String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + topic, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every timepoint of the message read so far. */
    public List<Timepoint> of(String messageId) {
        poll();
        return read.stream().filter(t -> messageId.equals(t.messageId())).toList();
    }

    /** Waits until a timepoint matching {@code until} was read; returns the message's timepoints. */
    public List<Timepoint> await(String messageId, Predicate<List<Timepoint>> until, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> until.test(of(messageId)));
        return of(messageId);
    }

    private void poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            try {
                List<Timepoint> timepoints;
                if (TimepointCodec.isBinary(r.value())) {
                    timepoints = TimepointCodec.decode(r.value());
                } else if (r.value().length > 0 && r.value()[0] == '[') {
                    timepoints = List.of(mapper.readValue(r.value(), Timepoint[].class));
                } else {
                    timepoints = List.of(mapper.readValue(r.value(), Timepoint.class));
                }
                // as the trace store keeps them: a HANDLED that carries its RECEIVED is two steps
                timepoints.forEach(t -> read.addAll(t.steps()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static boolean has(List<Timepoint> timepoints, String kind) {
        return timepoints.stream().anyMatch(t -> t.kind().equals(kind));
    }

    public static Timepoint first(List<Timepoint> timepoints, String kind) {
        return timepoints.stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
