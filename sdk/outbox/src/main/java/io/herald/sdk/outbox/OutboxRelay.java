package io.herald.sdk.outbox;

import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.wire.HeraldHeaders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: one thread, one idempotent producer, one database connection of its own that holds a
 * session advisory lock for as long as the relay works (so one relay of the service works at a time
 * and the rows keep their order; another instance takes over when that connection goes away).
 *
 * <p>It is a pipeline: while one batch's records are on their way to Kafka, the thread reads the
 * next batch (rows above the highest id read so far) and sends it, and deletes, in one statement,
 * every batch whose records were all acknowledged. At most {@code depth} batches are in flight.
 * Batches are retired in the order they were read; a failed send stops the pipeline, nothing from
 * the failed batch on is deleted, and the relay starts again from the oldest row (the same
 * {@code ce_id}s again, at least once, in id order).
 *
 * <p>Deleting by id (never "up to the highest id") matters, and so does looking back: a row with a
 * lower id may commit after a higher one was read. Whenever nothing is in flight the next read
 * starts from the lowest id again; under constant load the relay looks every second for rows below
 * its read position that are neither in flight nor deleted (ids only) and relays those.
 */
final class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay ("herald-outbox"). */
    private static final long LOCK_KEY = 0x68657261_6c646f62L;
    /** Batches read and sent before the oldest of them is confirmed; two keep Kafka and the database busy at once. */
    private static final int BATCHES_IN_FLIGHT = 3;
    private static final String COLUMNS = "id, message_id, topic, event_type, record_key, payload, content_type, created_ms";

    private final DataSource dataSource;
    private final String app;
    private final int batchSize;
    private final int depth;
    private final long pollNanos;
    private final long lookBackNanos;
    private final Map<String, Object> producerConfig;
    private final Map<String, Header> typeHeaders = new HashMap<>();
    private final Header sourceHeader;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile Thread thread;
    private volatile boolean running;

    // relay thread only
    private Connection connection;
    private PreparedStatement readAbove;
    private PreparedStatement readIds;
    private PreparedStatement idsBelow;
    private PreparedStatement delete;
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    private long readPosition;
    private long lastLookBack;

    OutboxRelay(DataSource dataSource, OutboxBuilder b) {
        this.dataSource = dataSource;
        this.app = b.app;
        this.batchSize = b.batchSize;
        this.depth = BATCHES_IN_FLIGHT;
        this.pollNanos = b.pollInterval.toNanos();
        this.lookBackNanos = b.lookBack.toNanos();
        this.sourceHeader = WireHeaders.header(HeraldHeaders.CE_SOURCE, app);
        Map<String, Object> p = new HashMap<>(b.kafkaProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // order per partition holds with idempotence and up to 5 requests in flight (KIP-679)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, app + "-outbox-relay");
        this.producerConfig = p;
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        Thread t = new Thread(this::loop, "herald-outbox-relay-" + app);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void wakeUp() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        Thread t = thread;
        LockSupport.unpark(t);
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }

    long pending() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM herald_outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        while (running) {
            try {
                if (connection == null && !acquire()) {
                    LockSupport.parkNanos(pollNanos);
                    continue;
                }
                if (!step()) {
                    LockSupport.parkNanos(pollNanos);
                }
            } catch (Exception e) {
                abandon();
                if (running) {
                    log.warn("Outbox relay failed, trying again in 1 s: {}", e.toString());
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }
        }
        try {
            drain();
        } catch (Exception e) {
            log.debug("Outbox relay stopped with batches unconfirmed; they go again at the next start: {}", e.toString());
        }
        abandon();
    }

    /** Takes a connection and the relay lock; false (and no connection) when another relay holds it. */
    private boolean acquire() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        c.close();
                        return false;
                    }
                }
            }
            // Losing a delete in a database crash only relays those rows again (same ce_ids), which the
            // window between Kafka's acknowledgement and the delete allows anyway; not waiting for the WAL
            // flush keeps the deletes off the relay's critical path.
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = off");
            }
            readAbove = c.prepareStatement("SELECT " + COLUMNS + " FROM herald_outbox WHERE id > ? ORDER BY id LIMIT ?");
            readIds = c.prepareStatement("SELECT " + COLUMNS + " FROM herald_outbox WHERE id = ANY(?) ORDER BY id");
            idsBelow = c.prepareStatement("SELECT id FROM herald_outbox WHERE id <= ? ORDER BY id");
            delete = c.prepareStatement("DELETE FROM herald_outbox WHERE id = ANY(?)");
            connection = c;
            readPosition = 0;
            lastLookBack = System.nanoTime();
            return true;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** One turn of the pipeline; false when there was nothing to do. */
    private boolean step() throws Exception {
        boolean progressed = retireAcknowledged();
        if (inFlight.size() >= depth) {
            inFlight.peekFirst().await(pollNanos);
            return true;
        }
        if (inFlight.isEmpty()) {
            readPosition = 0; // nothing in flight: the oldest row is the next, whatever committed late
            lastLookBack = System.nanoTime();
        } else if (System.nanoTime() - lastLookBack >= lookBackNanos) {
            lastLookBack = System.nanoTime();
            progressed |= relayLateRows();
        }
        readAbove.setLong(1, readPosition);
        readAbove.setInt(2, batchSize);
        Batch batch = read(readAbove);
        if (batch != null) {
            readPosition = batch.ids[batch.ids.length - 1];
            send(batch);
            return true;
        }
        if (!inFlight.isEmpty()) {
            inFlight.peekFirst().await(pollNanos);
            return true;
        }
        return progressed;
    }

    /** Rows below the read position that committed after it moved past them. */
    private boolean relayLateRows() throws Exception {
        idsBelow.setLong(1, readPosition);
        List<Long> late = new ArrayList<>();
        try (ResultSet rs = idsBelow.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                if (!isInFlight(id)) {
                    late.add(id);
                }
            }
        }
        if (late.isEmpty()) {
            return false;
        }
        log.debug("Relaying {} outbox row(s) that committed after rows with higher ids were read", late.size());
        for (int from = 0; from < late.size(); from += batchSize) {
            List<Long> part = late.subList(from, Math.min(late.size(), from + batchSize));
            readIds.setArray(1, connection.createArrayOf("bigint", part.toArray()));
            Batch batch = read(readIds);
            if (batch != null) {
                send(batch);
            }
        }
        return true;
    }

    private boolean isInFlight(long id) {
        for (Batch b : inFlight) {
            if (Arrays.binarySearch(b.ids, id) >= 0) {
                return true;
            }
        }
        return false;
    }

    private Batch read(PreparedStatement query) throws SQLException {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long[] ids = new long[16];
        int n = 0;
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                }
                ids[n++] = rs.getLong(1);
                records.add(record(rs));
            }
        }
        return n == 0 ? null : new Batch(Arrays.copyOf(ids, n), records);
    }

    private void send(Batch batch) {
        inFlight.addLast(batch);
        List<ProducerRecord<byte[], byte[]>> records = batch.records;
        batch.records = null;
        for (int i = 0; i < records.size(); i++) {
            try {
                producer.send(records.get(i), batch);
            } catch (RuntimeException e) {
                for (int k = i; k < records.size(); k++) {
                    batch.onCompletion(null, e); // never sent: answered as failed, so nobody waits for them
                }
                throw e;
            }
        }
    }

    /** Deletes, in one statement, the leading batches whose records Kafka all acknowledged. */
    private boolean retireAcknowledged() throws Exception {
        List<Batch> done = new ArrayList<>();
        for (Batch b : inFlight) {
            if (!b.isDone()) {
                break;
            }
            b.throwIfFailed(); // a failure aborts: nothing from this batch on is deleted, all of it goes again
            done.add(b);
        }
        if (done.isEmpty()) {
            return false;
        }
        int total = 0;
        for (Batch b : done) {
            total += b.ids.length;
        }
        Long[] ids = new Long[total];
        int i = 0;
        for (Batch b : done) {
            for (long id : b.ids) {
                ids[i++] = id;
            }
        }
        delete.setArray(1, connection.createArrayOf("bigint", ids));
        delete.executeUpdate();
        for (int k = 0; k < done.size(); k++) {
            inFlight.removeFirst();
        }
        return true;
    }

    /** On stop: waits for the batches in flight and deletes those Kafka confirmed. */
    private void drain() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (connection != null && !inFlight.isEmpty() && System.nanoTime() < deadline) {
            inFlight.peekFirst().await(100_000_000L);
            retireAcknowledged();
        }
    }

    /** Forgets the batches in flight (their rows stay and go again) and gives the connection and the lock back. */
    private void abandon() {
        // Wait until Kafka answered for what is in flight, so a resend never overtakes an earlier send of the same row.
        for (Batch b : inFlight) {
            try {
                b.await(TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        inFlight.clear();
        readPosition = 0;
        Connection c = connection;
        connection = null;
        if (c != null) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
                s.execute("RESET synchronous_commit");
            } catch (SQLException e) {
                log.debug("Outbox relay connection was already gone: {}", e.toString());
            }
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("Closing the outbox relay connection failed: {}", e.toString());
            }
        }
    }

    private ProducerRecord<byte[], byte[]> record(ResultSet rs) throws SQLException {
        String type = rs.getString(4);
        String contentType = rs.getString(7);
        ArrayList<Header> headers = new ArrayList<>(6);
        headers.add(WireHeaders.SPEC_VERSION);
        headers.add(WireHeaders.header(HeraldHeaders.CE_ID, rs.getString(2)));
        headers.add(sourceHeader);
        headers.add(WireHeaders.header(HeraldHeaders.CE_TIME, Instant.ofEpochMilli(rs.getLong(8)).toString()));
        headers.add(switch (contentType) {
            case WireHeaders.JSON -> WireHeaders.CONTENT_JSON;
            case WireHeaders.TEXT -> WireHeaders.CONTENT_TEXT;
            case WireHeaders.BINARY -> WireHeaders.CONTENT_BINARY;
            default -> WireHeaders.header(HeraldHeaders.CONTENT_TYPE, contentType);
        });
        headers.add(typeHeaders.computeIfAbsent(type, t -> WireHeaders.header(HeraldHeaders.CE_TYPE, t)));
        return new ProducerRecord<>(rs.getString(3), null, rs.getLong(8), rs.getBytes(5), rs.getBytes(6), headers);
    }

    /** Rows read together, sorted by id; done when Kafka answered for each of its records. */
    private static final class Batch implements Callback {
        final long[] ids;
        List<ProducerRecord<byte[], byte[]>> records;
        private final AtomicInteger unanswered;
        private final CountDownLatch answered = new CountDownLatch(1);
        private volatile Exception failure;

        Batch(long[] ids, List<ProducerRecord<byte[], byte[]>> records) {
            this.ids = ids;
            this.records = records;
            this.unanswered = new AtomicInteger(ids.length);
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null && failure == null) {
                failure = exception;
            }
            if (unanswered.decrementAndGet() == 0) {
                answered.countDown();
            }
        }

        boolean isDone() {
            return answered.getCount() == 0;
        }

        void await(long nanos) throws InterruptedException {
            answered.await(nanos, TimeUnit.NANOSECONDS);
        }

        void throwIfFailed() throws Exception {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
