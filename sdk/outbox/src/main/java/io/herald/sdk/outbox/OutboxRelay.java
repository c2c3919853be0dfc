package io.herald.sdk.outbox;

import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.wire.HeraldHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: one thread, one idempotent producer. Each round opens a transaction, takes the
 * transaction-scoped advisory lock (so one relay of the service works at a time and the rows keep
 * their order), reads the oldest rows by id, publishes them, waits for every acknowledgement,
 * deletes exactly those ids and commits. Deleting by id (never "up to the highest id") matters:
 * a row with a lower id may commit after a higher one was read.
 */
final class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay ("herald-outbox"). */
    private static final long LOCK_KEY = 0x68657261_6c646f62L;

    private final DataSource dataSource;
    private final String app;
    private final int batchSize;
    private final long pollNanos;
    private final Map<String, Object> producerConfig;
    private final Map<String, Header> typeHeaders = new HashMap<>();
    private final Header sourceHeader;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile Thread thread;
    private volatile boolean running;

    OutboxRelay(DataSource dataSource, OutboxBuilder b) {
        this.dataSource = dataSource;
        this.app = b.app;
        this.batchSize = b.batchSize;
        this.pollNanos = b.pollInterval.toNanos();
        this.sourceHeader = WireHeaders.header(HeraldHeaders.CE_SOURCE, app);
        Map<String, Object> p = new HashMap<>(b.kafkaProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // order per partition holds with idempotence and up to 5 requests in flight (KIP-679)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
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
                int n = relayOnce();
                if (n < batchSize) {
                    LockSupport.parkNanos(pollNanos);
                }
            } catch (Exception e) {
                if (running) {
                    log.warn("Outbox relay failed, trying again in 1 s: {}", e.toString());
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }
        }
    }

    private record Row(long id, ProducerRecord<byte[], byte[]> record) {
    }

    /** One round; returns the number of rows relayed (0 also when another relay holds the lock). */
    int relayOnce() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                    lock.setLong(1, LOCK_KEY);
                    try (ResultSet rs = lock.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            c.rollback();
                            return 0;
                        }
                    }
                }
                // Losing this commit in a database crash only relays the batch again (same ce_ids), which the
                // crash window between Kafka's acknowledgement and the delete allows anyway; not waiting for
                // the WAL flush lets the next batch start sooner.
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL synchronous_commit = off");
                }
                List<Row> rows = new ArrayList<>(batchSize);
                try (PreparedStatement ps = c.prepareStatement("SELECT id, message_id, topic, event_type, record_key, payload,"
                        + " content_type, created_ms FROM herald_outbox ORDER BY id LIMIT ?")) {
                    ps.setInt(1, batchSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Row(rs.getLong(1), record(rs)));
                        }
                    }
                }
                if (rows.isEmpty()) {
                    c.rollback();
                    return 0;
                }
                List<Future<?>> acks = new ArrayList<>(rows.size());
                for (Row r : rows) {
                    acks.add(producer.send(r.record()));
                }
                for (Future<?> f : acks) {
                    f.get(); // any failure aborts the round: nothing is deleted, the rows go again (same ce_id)
                }
                Long[] ids = new Long[rows.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rows.get(i).id();
                }
                try (PreparedStatement del = c.prepareStatement("DELETE FROM herald_outbox WHERE id = ANY(?)")) {
                    del.setArray(1, c.createArrayOf("bigint", ids));
                    del.executeUpdate();
                }
                c.commit();
                return rows.size();
            } catch (Exception e) {
                c.rollback();
                throw e;
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
}
