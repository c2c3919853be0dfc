package io.herald.sdk.outbox;

import io.herald.sdk.DataEventSink;
import io.herald.sdk.internal.codec.MessageIds;
import io.herald.sdk.internal.codec.PayloadCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A transactional outbox: {@link #send} writes the message as a row of the outbox table in the
 * caller's database transaction, so it exists exactly when the business data committed with it;
 * the relay publishes committed rows to Kafka in the order they were written (so in order per key)
 * and deletes them. A crash at any point loses nothing and publishes nothing that rolled back; a
 * crash between Kafka's acknowledgement and the delete publishes those rows again with the same
 * {@code ce_id} (at least once).
 *
 * <pre>{@code
 * Outbox outbox = Outbox.builder()
 *         .withDataSource(dataSource)            // the one your transactions use
 *         .withAppName("billing")
 *         .withKafkaBootstrap("kafka-1:9092")
 *         .build();
 * Outbox.createTable(dataSource);                // or add Outbox.TABLE_DDL to your migrations
 * outbox.start();                                // the relay
 *
 * @Transactional
 * void pay(Order order) {
 *     orders.markPaid(order);
 *     outbox.send("trade", "pay-succ", order.id(), new Payment(order));
 * }
 * }</pre>
 *
 * <p>Inside a Spring-managed transaction (DataSourceTransactionManager, JpaTransactionManager) the
 * row is written on the transaction's connection; {@link #send(Connection, String, String, String, Object)}
 * takes a plain JDBC connection instead; outside any transaction the row commits on its own.
 * The relay is PostgreSQL-specific: it keeps one connection of the data source, whose session
 * advisory lock elects one relay among the service's instances (the others take over when that
 * connection goes away), and pipelines reading, sending and deleting (see the SDK README).
 */
public final class Outbox implements AutoCloseable {

    /** The outbox table (PostgreSQL). {@code id} gives the publishing order. */
    public static final String TABLE_DDL = """
            CREATE TABLE IF NOT EXISTS herald_outbox (
                id           bigserial PRIMARY KEY,
                message_id   varchar(64)  NOT NULL,
                topic        varchar(249) NOT NULL,
                event_type   varchar(200) NOT NULL,
                record_key   bytea,
                payload      bytea        NOT NULL,
                content_type varchar(100) NOT NULL,
                created_ms   bigint       NOT NULL
            )""";

    private static final String INSERT = "INSERT INTO herald_outbox (message_id, topic, event_type, record_key, payload,"
            + " content_type, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final PayloadCodec codec;
    private final OutboxRelay relay;

    Outbox(OutboxBuilder b) {
        this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource");
        this.codec = new PayloadCodec(b.objectMapper != null ? b.objectMapper : PayloadCodec.defaultMapper());
        this.relay = new OutboxRelay(dataSource, b);
    }

    /** A new builder. */
    public static OutboxBuilder builder() {
        return new OutboxBuilder();
    }

    /** Creates the outbox table if it is missing. */
    public static void createTable(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(TABLE_DDL);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the outbox table: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a message into the outbox within the current Spring transaction (or on its own when
     * there is none). Payloads are encoded as by the SDK's sender: String as text, byte[] as is,
     * anything else as JSON.
     *
     * @return the message id ({@code ce_id}) it will carry on Kafka
     */
    public String send(String topic, String type, String key, Object payload) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return send(c, topic, type, key, payload);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /** Writes a message into the outbox on the given JDBC connection (inside its transaction). */
    public String send(Connection connection, String topic, String type, String key, Object payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        long now = System.currentTimeMillis();
        String id = new String(MessageIds.next(now), StandardCharsets.ISO_8859_1);
        byte[] value = codec.encode(payload);
        String contentType = new String(PayloadCodec.contentType(payload).value(), StandardCharsets.UTF_8);
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, id);
            ps.setString(2, topic);
            ps.setString(3, type);
            ps.setBytes(4, key == null ? null : key.getBytes(StandardCharsets.UTF_8));
            ps.setBytes(5, value);
            ps.setString(6, contentType);
            ps.setLong(7, now);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write to the outbox: " + e.getMessage(), e);
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    relay.wakeUp();
                }
            });
        } else {
            relay.wakeUp();
        }
        return id;
    }

    /**
     * A sink for data events that writes them into the outbox within the DAO's transaction, so
     * they are published only if it commits (see {@code Herald.dataObject(Class, Object, DataEventSink)};
     * in Spring, declare it as a bean).
     */
    public DataEventSink dataEventSink() {
        return (topic, type, payload) -> send(topic, type, null, payload);
    }

    /** Starts the relay thread. Idempotent. */
    public Outbox start() {
        relay.start();
        return this;
    }

    /** Rows waiting in the outbox (committed and not yet relayed). */
    public long pending() {
        return relay.pending();
    }

    /** Stops the relay (the batches in flight finish and are deleted), gives its connection back and closes its producer. */
    @Override
    public void close() {
        relay.close();
    }
}
