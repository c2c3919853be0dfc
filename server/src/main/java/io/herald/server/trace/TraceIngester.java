package io.herald.server.trace;

import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TimepointCodec;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes {@code herald.trace} into PostgreSQL. Server instances share the topic's partitions through
 * the consumer group {@code herald.trace.group} ({@code herald-trace-store}); the position that counts is the one committed in
 * PostgreSQL with the rows ({@link TraceWriter}), the Kafka group offset is committed afterwards for
 * lag monitoring only. An unreadable record is skipped and counted, never retried forever.
 */
@Component
class TraceIngester implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TraceIngester.class);

    private final TraceProperties props;
    private final TraceWriter writer;
    private final TracePartitions partitions;
    private final KafkaClientConfig clients;
    private final KafkaProvisioner provisioner;
    private final JdbcTemplate jdbc;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ObjectReader ONE = JSON.readerFor(Timepoint.class);
    private final Counter ingested;
    private final Counter unreadable;
    private final Counter expired;
    private final Counter future;
    private final Counter refused;
    private final Timer readTime;
    private final Timer writeTime;

    /** No stored position yet for a partition. */
    private static final long NONE = -1;
    /** Per assigned partition: the next offset stored in PostgreSQL, or {@link #NONE}. */
    private final Map<Integer, Long> committed = new HashMap<>();
    /** Per assigned partition: where the next batch starts (after the one being written). */
    private final Map<Integer, Long> planned = new HashMap<>();
    private InFlight inFlight;
    private ExecutorService writes;
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
        this.readTime = Timer.builder("herald.trace.ingest.batch").tag("stage", "read")
                .description("Reading a batch of timepoints: parsing and checking them").register(meters);
        this.writeTime = Timer.builder("herald.trace.ingest.batch").tag("stage", "write")
                .description("Writing a batch of timepoints and its position to PostgreSQL").register(meters);
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
            writes = Executors.newSingleThreadExecutor(r -> daemon(r, "herald-trace-write"));
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
        if (writes != null) {
            writes.shutdown();
            writes = null;
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
            log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Trace partition maintenance failed (retrying in {}): {}", props.maintenance(), e.getMessage());
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
                log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Trace ingestion interrupted, resuming from the stored position in {} ms: {}", backoff, e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private void consume() throws Exception {
        Map<String, Object> config = clients.base();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, props.group());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-trace-store");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.batchSize());
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // An SDK record holds up to hundreds of timepoints (a JSON array), so a count of records does
        // not bound a transaction: bytes do (about 300 bytes of JSON per timepoint, often lz4-compressed).
        int fetchBytes = Math.max(1024 * 1024, props.batchSize() * 256);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchBytes);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            consumer = c;
            committed.clear();
            planned.clear();
            inFlight = null;
            c.subscribe(List.of(props.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    // the next owner reads the stored position: the write under way must be finished first
                    settleQuietly(c);
                    revoked.forEach(tp -> forget(tp.partition()));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    settleQuietly(c);
                    lost.forEach(tp -> forget(tp.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    seekToStored(c, assigned);
                }
            });
            try {
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        settle(c);
                        continue;
                    }
                    // read this batch while the previous one is being written: the JVM and PostgreSQL work at once
                    Batch next = read(records);
                    if (settle(c)) {
                        submit(next);
                    }
                }
            } finally {
                settleQuietly(c);
            }
        } finally {
            consumer = null;
        }
    }

    /** A read batch: rows to write and where each partition's position moves. */
    private record Batch(Map<Integer, TraceWriter.Advance> advances, List<TraceRow> rows, Set<LocalDate> days) {
    }

    /** The batch being written and its outcome. */
    private record InFlight(Batch batch, Future<TraceWriter.Result> result) {
    }

    private void submit(Batch batch) {
        batch.advances().forEach((p, a) -> planned.put(p, a.next()));
        inFlight = new InFlight(batch, writes.submit(() -> write(batch)));
    }

    /** Runs on the writer thread. */
    private TraceWriter.Result write(Batch batch) throws Exception {
        long started = System.nanoTime();
        partitions.ensure(batch.days());
        TraceWriter.Result result;
        try {
            result = writer.write(props.topic(), batch.advances(), batch.rows());
        } catch (TraceWriter.MissingPartitionException e) {
            partitions.existing();
            partitions.ensure(batch.days());
            result = writer.write(props.topic(), batch.advances(), batch.rows());
        }
        writeTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return result;
    }

    /**
     * Waits for the batch under way and takes its outcome in. Answers false when it was fenced (another
     * instance holds a partition now): the positions are read again and what was read meanwhile is dropped.
     */
    private boolean settle(KafkaConsumer<byte[], byte[]> c) throws Exception {
        InFlight f = inFlight;
        if (f == null) {
            return true;
        }
        inFlight = null;
        TraceWriter.Result result;
        try {
            result = f.result().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        if (!result.committed()) {
            log.info("Trace partitions {} moved to another server instance; re-reading their stored position",
                    f.batch().advances().keySet());
            seekToStored(c, c.assignment());
            return false;
        }
        ingested.increment(result.written());
        if (result.rejected() > 0) {
            refused.increment(result.rejected());
        }
        Map<TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>();
        f.batch().advances().forEach((p, a) -> {
            if (committed.containsKey(p)) {
                committed.put(p, a.next());
            }
            kafkaOffsets.put(new TopicPartition(props.topic(), p), new OffsetAndMetadata(a.next()));
        });
        c.commitAsync(kafkaOffsets, null);
        return true;
    }

    private void settleQuietly(KafkaConsumer<byte[], byte[]> c) {
        try {
            settle(c);
        } catch (Exception e) {
            log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Writing timepoints failed; they are read again from the stored position: {}", e.toString());
        }
    }

    private void forget(int partition) {
        committed.remove(partition);
        planned.remove(partition);
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
                committed.put(tp.partition(), NONE);
                planned.put(tp.partition(), NONE);
            } else {
                c.seek(tp, next);
                committed.put(tp.partition(), next);
                planned.put(tp.partition(), next);
            }
        }
        if (!fresh.isEmpty()) {
            c.seekToBeginning(fresh);
        }
    }

    private Batch read(ConsumerRecords<byte[], byte[]> records) {
        long started = System.nanoTime();
        long oldest = partitions.oldestKept().toEpochMilli();
        long newest = partitions.newestAccepted().toEpochMilli();
        List<TraceRow> rows = new ArrayList<>(records.count());
        Set<LocalDate> days = new HashSet<>();
        Map<Integer, TraceWriter.Advance> advances = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            for (ConsumerRecord<byte[], byte[]> r : list) {
                for (TraceRow row : parse(r.value())) {
                    if (row == null) {
                        unreadable.increment();
                    } else if (row.at() < oldest) {
                        expired.increment();
                    } else if (row.at() > newest) {
                        future.increment();
                    } else {
                        rows.add(row);
                        days.add(TracePartitions.day(row.at()));
                    }
                }
            }
            Long expected = planned.get(tp.partition());
            if (expected == null) {
                // assigned without passing through the listener (cannot happen with subscribe); be safe
                throw new IllegalStateException("partition " + tp + " has no known stored position");
            }
            advances.put(tp.partition(), new TraceWriter.Advance(expected == NONE ? null : expected,
                    list.get(list.size() - 1).offset() + 1));
        }
        readTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return new Batch(advances, rows, days);
    }

    /**
     * The timepoints of one record: Herald's binary form ({@link TimepointCodec}), a JSON object, or
     * a JSON array of them. A null element stands for an unreadable one; a timepoint standing for
     * two steps (a HANDLED carrying its RECEIVED) gives two rows.
     */
    static List<TraceRow> parse(byte[] value) {
        if (value == null || value.length == 0) {
            return UNREADABLE;
        }
        if (TimepointCodec.isBinary(value)) {
            try {
                List<TraceRow> rows = new ArrayList<>();
                for (Timepoint t : TimepointCodec.decode(value)) {
                    addRows(rows, t);
                }
                return rows;
            } catch (IllegalArgumentException e) {
                return UNREADABLE;
            }
        }
        try {
            int i = 0;
            while (i < value.length && Character.isWhitespace(value[i])) {
                i++;
            }
            if (i < value.length && value[i] == '[') {
                // element by element: one bad timepoint must not cost the others
                JsonNode all = JSON.readTree(value);
                List<TraceRow> rows = new ArrayList<>(all.size());
                for (JsonNode element : all) {
                    try {
                        addRows(rows, JSON.treeToValue(element, Timepoint.class));
                    } catch (JacksonException e) {
                        rows.add(null);
                    }
                }
                return rows.isEmpty() ? List.of() : rows;
            }
            List<TraceRow> rows = new ArrayList<>(2);
            addRows(rows, ONE.readValue(value));
            return rows;
        } catch (JacksonException e) {
            return UNREADABLE;
        }
    }

    private static void addRows(List<TraceRow> rows, Timepoint t) {
        if (t == null) {
            rows.add(null);
            return;
        }
        for (Timepoint step : t.steps()) {
            rows.add(TraceRow.of(step));
        }
    }

    private static final List<TraceRow> UNREADABLE = java.util.Collections.singletonList(null);

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
