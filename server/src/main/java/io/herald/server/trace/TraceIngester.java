package io.herald.server.trace;

import io.herald.sdk.wire.Timepoint;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes {@code herald.trace} into PostgreSQL. Server instances share the topic's partitions through
 * the consumer group {@code herald-trace-store}; the position that counts is the one committed in
 * PostgreSQL with the rows ({@link TraceWriter}), the Kafka group offset is committed afterwards for
 * lag monitoring only. An unreadable record is skipped and counted, never retried forever.
 */
@Component
class TraceIngester implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TraceIngester.class);
    static final String GROUP = "herald-trace-store";

    private final TraceProperties props;
    private final TraceWriter writer;
    private final TracePartitions partitions;
    private final KafkaClientConfig clients;
    private final KafkaProvisioner provisioner;
    private final JdbcTemplate jdbc;
    private final ObjectReader reader = JsonMapper.builder().build().readerFor(Timepoint.class);
    private final Counter ingested;
    private final Counter unreadable;
    private final Counter expired;
    private final Counter future;
    private final Counter refused;

    /** Per assigned partition: the next offset committed in PostgreSQL, or null when none is yet. */
    private final Map<Integer, Long> committed = new HashMap<>();
    private final Set<Integer> uncommitted = new HashSet<>();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private ScheduledExecutorService maintenance;

    TraceIngester(TraceProperties props, TraceWriter writer, TracePartitions partitions, KafkaClientConfig clients,
                  KafkaProvisioner provisioner, JdbcTemplate jdbc, MeterRegistry meters) {
        this.props = props;
        this.writer = writer;
        this.partitions = partitions;
        this.clients = clients;
        this.provisioner = provisioner;
        this.jdbc = jdbc;
        this.ingested = Counter.builder("herald.trace.timepoints.ingested").description("Timepoints stored").register(meters);
        this.unreadable = dropped(meters, "unreadable");
        this.expired = dropped(meters, "expired");
        this.future = dropped(meters, "future");
        this.refused = dropped(meters, "refused");
    }

    private static Counter dropped(MeterRegistry meters, String reason) {
        return Counter.builder("herald.trace.timepoints.dropped").tag("reason", reason)
                .description("Timepoints not stored: unreadable, past the retention, from a clock too far ahead, refused by PostgreSQL")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "herald-trace-partitions"));
        maintenance.scheduleWithFixedDelay(this::maintain, 0, props.maintenance().toMillis(), TimeUnit.MILLISECONDS);
        if (props.enabled()) {
            thread = daemon(this::run, "herald-trace-ingest");
            thread.start();
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        if (maintenance != null) {
            maintenance.shutdownNow();
            maintenance = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void maintain() {
        try {
            partitions.maintain();
        } catch (RuntimeException e) {
            log.warn("Trace partition maintenance failed (retrying in {}): {}", props.maintenance(), e.getMessage());
        }
    }

    private void run() {
        long backoff = 500;
        while (running) {
            try {
                provisioner.ensureTopic(props.topic(), props.topicPartitions(), props.topicRetention().toMillis());
                partitions.existing();
                consume();
                backoff = 500;
            } catch (WakeupException e) {
                // stopping
            } catch (Exception | LinkageError e) {
                // The consumer is closed by now, so this instance's partitions went to the others meanwhile.
                if (!running) {
                    break;
                }
                log.warn("Trace ingestion interrupted, resuming from the stored position in {} ms: {}", backoff, e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private void consume() throws Exception {
        Map<String, Object> config = clients.base();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-trace-store");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.batchSize());
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            consumer = c;
            committed.clear();
            uncommitted.clear();
            c.subscribe(List.of(props.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    revoked.forEach(tp -> forget(tp.partition()));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    lost.forEach(tp -> forget(tp.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    seekToStored(c, assigned);
                }
            });
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    store(c, records);
                }
            }
        } finally {
            consumer = null;
        }
    }

    private void forget(int partition) {
        committed.remove(partition);
        uncommitted.remove(partition);
    }

    /** Seeks each partition to the position committed in PostgreSQL (the beginning when there is none). */
    private void seekToStored(KafkaConsumer<byte[], byte[]> c, Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        Map<Integer, Long> stored = new HashMap<>();
        jdbc.query("SELECT partition, next_offset FROM trace_ingest_offset WHERE topic = ?",
                rs -> {
                    stored.put(rs.getInt(1), rs.getLong(2));
                }, props.topic());
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            Long next = stored.get(tp.partition());
            if (next == null) {
                fresh.add(tp);
                committed.remove(tp.partition());
                uncommitted.add(tp.partition());
            } else {
                c.seek(tp, next);
                committed.put(tp.partition(), next);
                uncommitted.remove(tp.partition());
            }
        }
        if (!fresh.isEmpty()) {
            c.seekToBeginning(fresh);
        }
    }

    private void store(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) throws Exception {
        Instant oldest = partitions.oldestKept();
        Instant newest = partitions.newestAccepted();
        List<TraceRow> rows = new ArrayList<>(records.count());
        Set<LocalDate> days = new HashSet<>();
        Map<Integer, TraceWriter.Advance> advances = new HashMap<>();
        int skipped = 0;
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            for (ConsumerRecord<byte[], byte[]> r : list) {
                TraceRow row = parse(r.value());
                if (row == null) {
                    unreadable.increment();
                    skipped++;
                } else if (row.at() < oldest.toEpochMilli()) {
                    expired.increment();
                    skipped++;
                } else if (row.at() > newest.toEpochMilli()) {
                    future.increment();
                    skipped++;
                } else {
                    rows.add(row);
                    days.add(TracePartitions.day(row.at()));
                }
            }
            int p = tp.partition();
            Long expected = committed.get(p);
            if (expected == null && !uncommitted.contains(p)) {
                // assigned without passing through the listener (cannot happen with subscribe); be safe
                throw new IllegalStateException("partition " + tp + " has no known stored position");
            }
            advances.put(p, new TraceWriter.Advance(expected, list.get(list.size() - 1).offset() + 1));
        }
        partitions.ensure(days);
        TraceWriter.Result result;
        try {
            result = writer.write(props.topic(), advances, rows);
        } catch (TraceWriter.MissingPartitionException e) {
            partitions.existing();
            partitions.ensure(days);
            result = writer.write(props.topic(), advances, rows);
        }
        if (!result.committed()) {
            log.info("Trace partitions {} moved to another server instance; re-reading their stored position", advances.keySet());
            seekToStored(c, c.assignment());
            return;
        }
        ingested.increment(result.written());
        if (result.rejected() > 0) {
            refused.increment(result.rejected());
        }
        Map<TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>();
        advances.forEach((p, a) -> {
            committed.put(p, a.next());
            uncommitted.remove(p);
            kafkaOffsets.put(new TopicPartition(props.topic(), p), new OffsetAndMetadata(a.next()));
        });
        c.commitAsync(kafkaOffsets, null);
        if (skipped > 0) {
            log.debug("Skipped {} timepoint(s) of {}", skipped, records.count());
        }
    }

    private TraceRow parse(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            Timepoint t = reader.readValue(value);
            return t == null ? null : TraceRow.of(t);
        } catch (JacksonException e) {
            return null;
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
