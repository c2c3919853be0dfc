package io.herald.server.common;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of a server worker that moves records from Herald's own topics into PostgreSQL
 * (delayed events, two-phase messages): each non-empty batch is handed over, then committed, so a
 * crash in between reads the batch again (the intakes are idempotent). A failure restarts the
 * consumer after two seconds; {@link KafkaConsumer#wakeup()} from another thread stops it.
 */
public final class IntakeLoop {

    private static final Logger log = LoggerFactory.getLogger(IntakeLoop.class);

    private IntakeLoop() {
    }

    /**
     * Runs until {@code running} turns false.
     *
     * @param opened told each consumer it opens, so that the owner can wake it up to stop
     * @param what   names the loop in the log
     */
    public static void run(BooleanSupplier running, Map<String, Object> config, List<String> topics,
                           Consumer<KafkaConsumer<byte[], byte[]>> opened, Consumer<ConsumerRecords<byte[], byte[]>> intake,
                           String what) {
        while (running.getAsBoolean()) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                opened.accept(c);
                c.subscribe(topics);
                while (running.getAsBoolean()) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    intake.accept(records);
                    c.commitSync();
                }
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                if (running.getAsBoolean()) {
                    log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("{} failed, restarting it: {}", what, e.toString());
                    LockSupport.parkNanos(2_000_000_000L);
                }
            }
        }
    }
}
