package io.herald.server.schedule;

import io.herald.server.common.HeaderCodec;
import io.herald.server.audit.Auditor;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.ingest.DelayStore;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.security.Caller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The timer table of delayed events. Rows are inserted in bulk (one statement per batch, ids
 * already present are skipped, so a re-read Kafka record is not stored twice, and so are ids that
 * fired already); the firing step locks due rows with {@code FOR UPDATE SKIP LOCKED}, so each row
 * is taken by exactly one firing transaction across all server instances, marks them as being
 * fired (committed at once, in {@code delayed_fire}), publishes them, waits for Kafka's
 * acknowledgements and deletes them in the same transaction. A crash between publish and commit
 * publishes that one batch again (at least once, with the same ce_id): the marker tells the next
 * firing so, and it counts them in {@code herald.delayed.refired}. A lost row is not possible.
 */
@Service
public class DelayedEvents implements DelayStore {

    private static final Logger log = LoggerFactory.getLogger(DelayedEvents.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final Auditor auditor;
    private final ScheduleProperties props;
    /** A transaction of its own, committed while the firing transaction is still open. */
    private final TransactionTemplate separate;
    private final Counter refired;
    /**
     * Runs after a batch was published and acknowledged, before the firing transaction commits (tests
     * stop a server there, as a crash would). Null in production.
     */
    volatile Runnable beforeCommit;
    /** Fired markers are kept this long: the retention of herald.delay, from which the intake could read a record again. */
    static final Duration KEEP_FIRED = Duration.ofDays(7);

    DelayedEvents(JdbcTemplate jdbc, TransactionTemplate tx, EventPublisher publisher, Auditor auditor, ScheduleProperties props,
                  MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.separate = new TransactionTemplate(java.util.Objects.requireNonNull(tx.getTransactionManager()));
        this.separate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.refired = Counter.builder("herald.delayed.refired")
                .description("Delayed events published again because an earlier firing of them was not confirmed"
                        + " (the server stopped between publishing and committing): duplicates with the same ce_id")
                .register(meters);
        this.publisher = publisher;
        this.auditor = auditor;
        this.props = props;
    }

    /** A delayed event as the API shows it (without payload). */
    public record DelayedView(String id, String topic, String app, String messageId, String type, Instant dueAt,
                              Instant createdAt) {
    }

    @Override
    public Duration maxDelay() {
        return props.maxDelay();
    }

    @Override
    public void store(List<Delayed> events) {
        if (events.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> insert(events));
    }

    /** Inserts in the current transaction: one statement for the whole batch. */
    void insert(List<Delayed> events) {
        int n = events.size();
        String[] ids = new String[n];
        Long[] due = new Long[n];
        String[] topics = new String[n];
        String[] apps = new String[n];
        String[] messageIds = new String[n];
        String[] types = new String[n];
        byte[][] keys = new byte[n][];
        byte[][] payloads = new byte[n][];
        byte[][] headers = new byte[n][];
        for (int i = 0; i < n; i++) {
            Delayed d = events.get(i);
            ids[i] = d.id();
            due[i] = d.dueAt().toEpochMilli();
            topics[i] = d.record().topic();
            apps[i] = d.app();
            messageIds[i] = d.messageId();
            types[i] = d.type();
            keys[i] = d.record().key();
            payloads[i] = d.record().value();
            headers[i] = HeaderCodec.encode(d.record().headers(), Set.of());
        }
        Connection c = DataSourceUtils.getConnection(jdbc.getDataSource());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO delayed_event (id, due_at, topic, app, message_id, event_type,"
                + " record_key, payload, headers) SELECT t.id, to_timestamp(t.due / 1000.0), t.topic, t.app, t.mid, t.typ, t.k, t.p, t.h"
                + " FROM unnest(?::varchar[], ?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[],"
                + " ?::bytea[], ?::bytea[]) AS t(id, due, topic, app, mid, typ, k, p, h)"
                // an event that fired already is not scheduled again when its herald.delay record is read again
                + " WHERE NOT EXISTS (SELECT 1 FROM delayed_fire f WHERE f.id = t.id AND f.fired_at IS NOT NULL)"
                + " ON CONFLICT (id) DO NOTHING")) {
            ps.setArray(1, c.createArrayOf("varchar", ids));
            ps.setArray(2, c.createArrayOf("bigint", due));
            ps.setArray(3, c.createArrayOf("varchar", topics));
            ps.setArray(4, c.createArrayOf("varchar", apps));
            ps.setArray(5, c.createArrayOf("varchar", messageIds));
            ps.setArray(6, c.createArrayOf("varchar", types));
            ps.setArray(7, c.createArrayOf("bytea", keys));
            ps.setArray(8, c.createArrayOf("bytea", payloads));
            ps.setArray(9, c.createArrayOf("bytea", headers));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot store delayed events: " + e.getMessage(), e);
        } finally {
            DataSourceUtils.releaseConnection(c, jdbc.getDataSource());
        }
    }

    public DelayedView get(Caller caller, String id) {
        DelayedView view = find(id);
        if (!caller.readOnly() && !caller.actsFor(view.app())) {
            throw new ForbiddenException("The caller may not read delayed events of app '" + view.app() + "'");
        }
        return view;
    }

    /** Cancels a delayed event before it is due; audited. */
    public DelayedView cancel(Caller caller, String id) {
        return tx.execute(status -> {
            DelayedView view = find(id);
            caller.requireApp(view.app());
            int deleted = jdbc.update("DELETE FROM delayed_event WHERE id = ?", id);
            if (deleted == 0) {
                throw new NotFoundException("Delayed event", id);
            }
            auditor.record(caller, "cancel", "delayed-event", id, view, null);
            return view;
        });
    }

    /** Pending delayed events of an app (null = all), soonest first. */
    public List<DelayedView> list(String app, int limit) {
        String sql = "SELECT id, topic, app, message_id, event_type, due_at, created_at FROM delayed_event"
                + (app == null ? "" : " WHERE app = ?") + " ORDER BY due_at LIMIT ?";
        Object[] args = app == null ? new Object[] {limit} : new Object[] {app, limit};
        return jdbc.query(sql, (rs, i) -> view(rs), args);
    }

    public long pending() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM delayed_event", Long.class);
        return n == null ? 0 : n;
    }

    private DelayedView find(String id) {
        List<DelayedView> rows = jdbc.query("SELECT id, topic, app, message_id, event_type, due_at, created_at FROM delayed_event"
                + " WHERE id = ?", (rs, i) -> view(rs), id);
        if (rows.isEmpty()) {
            throw new NotFoundException("Delayed event", id);
        }
        return rows.get(0);
    }

    private static DelayedView view(ResultSet rs) throws SQLException {
        return new DelayedView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant());
    }

    /** A row taken for firing, with what is needed to put it back. */
    private record Due(Delayed row, ProducerRecord<byte[], byte[]> record) {
    }

    /**
     * Fires one batch of due rows (due by this server's clock): one statement deletes and returns
     * them (locked rows of other firing transactions are skipped), they are published, and the
     * transaction commits only after Kafka acknowledged them. A row Kafka refused goes back with a
     * later due time, so one bad target does not hold back the others.
     *
     * @return the number of rows taken
     */
    int fireDue(long nowMillis) {
        Integer taken = tx.execute(status -> {
            // Losing this commit in a crash re-fires the batch (same ce_ids), which at-least-once allows
            // anyway; not waiting for the WAL flush lets the next batch start sooner.
            jdbc.execute("SET LOCAL synchronous_commit = off");
            long t0 = System.nanoTime();
            List<Due> due = jdbc.query("DELETE FROM delayed_event WHERE id IN (SELECT id FROM delayed_event"
                            + " WHERE due_at <= to_timestamp(? / 1000.0) ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                            + " RETURNING id, topic, record_key, payload, headers, app, message_id, event_type",
                    (rs, i) -> {
                        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(rs.getString(2), null, null, rs.getBytes(3),
                                rs.getBytes(4), HeaderCodec.decode(rs.getBytes(5)));
                        return new Due(new Delayed(rs.getString(1), null, rs.getString(6), rs.getString(7), rs.getString(8), r), r);
                    },
                    nowMillis, props.firingBatch());
            if (due.isEmpty()) {
                return 0;
            }
            String[] ids = due.stream().map(d -> d.row().id()).toArray(String[]::new);
            markAttempted(ids);
            long t1 = System.nanoTime();
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>(due.size());
            Set<String> unreachable = new java.util.HashSet<>();
            for (Due d : due) {
                if (unreachable.contains(d.record().topic())) {
                    sent.add(CompletableFuture.failedFuture(new IllegalStateException("topic unreachable: " + d.record().topic())));
                    continue;
                }
                CompletableFuture<RecordMetadata> f = publisher.send(d.record());
                if (f.isCompletedExceptionally()) {
                    // send() itself gave up (no metadata within max.block.ms): do not wait that long again for the same topic
                    unreachable.add(d.record().topic());
                }
                sent.add(f);
            }
            List<Delayed> failed = new ArrayList<>();
            RuntimeException firstError = null;
            Instant retryAt = Instant.now().plus(props.retryAfter());
            for (int i = 0; i < due.size(); i++) {
                try {
                    publisher.await(sent.get(i));
                } catch (RuntimeException e) {
                    Delayed row = due.get(i).row();
                    failed.add(new Delayed(row.id(), retryAt, row.app(), row.messageId(), row.type(), row.record()));
                    firstError = firstError == null ? e : firstError;
                }
            }
            if (!failed.isEmpty()) {
                // not before due still holds; a failing row must not hold back the others
                log.warn("{} delayed event(s) could not be published, next try in {}: {}", failed.size(), props.retryAfter(),
                        firstError.getMessage());
                // their next try is a retry of a refused publish, not a repeat of a confirmed one: no marker
                jdbc.update("DELETE FROM delayed_fire WHERE id = ANY (?)", (Object) failed.stream().map(Delayed::id).toArray(String[]::new));
                insert(failed);
            }
            markFired(ids);
            Runnable hook = beforeCommit;
            if (hook != null) {
                hook.run();
            }
            if (log.isDebugEnabled()) {
                log.debug("fired {}: take {} ms, publish {} ms", due.size(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            }
            return due.size();
        });
        return taken == null ? 0 : taken;
    }

    /**
     * Marks a batch as being fired, in a transaction of its own committed before anything is
     * published: should the firing transaction not commit (the server stops), the rows come back and
     * their next firing finds the mark. Those are counted and logged as repeats.
     */
    private void markAttempted(String[] ids) {
        Integer again = separate.execute(status -> {
            jdbc.execute("SET LOCAL synchronous_commit = off");
            List<Integer> attempts = jdbc.queryForList("INSERT INTO delayed_fire (id) SELECT unnest(?::varchar[])"
                    + " ON CONFLICT (id) DO UPDATE SET attempts = delayed_fire.attempts + 1, attempted_at = now(), fired_at = NULL"
                    + " RETURNING attempts", Integer.class, (Object) ids);
            return (int) attempts.stream().filter(a -> a > 1).count();
        });
        if (again != null && again > 0) {
            refired.increment(again);
            log.warn("Firing {} delayed event(s) again: an earlier firing of them was not confirmed (a server stopped between"
                    + " publishing and committing), so their records may be in the topic twice, with the same ce_id"
                    + " (at-least-once; counted in herald.delayed.refired)", again);
        }
    }

    /** The batch is published: its markers stay so that a re-read herald.delay record does not schedule it again. */
    private void markFired(String[] ids) {
        jdbc.update("UPDATE delayed_fire SET fired_at = now() WHERE id = ANY (?) AND fired_at IS NULL", (Object) ids);
    }

    /**
     * Forgets fired markers older than {@link #KEEP_FIRED}, at most {@code limit} of them.
     *
     * @return how many were forgotten
     */
    int forgetFired(int limit) {
        return jdbc.update("DELETE FROM delayed_fire WHERE id IN (SELECT id FROM delayed_fire WHERE fired_at IS NOT NULL"
                + " AND fired_at < now() - make_interval(secs => ?) LIMIT ?)", KEEP_FIRED.toSeconds(), limit);
    }

    /** Target topics of events due before {@code untilMillis}. */
    List<String> topicsDueBefore(long untilMillis) {
        return jdbc.queryForList("SELECT DISTINCT topic FROM delayed_event WHERE due_at <= to_timestamp(? / 1000.0) LIMIT 100",
                String.class, untilMillis);
    }

    /** Epoch millis of the earliest pending due time, or {@code Long.MAX_VALUE}. */
    long nextDue() {
        Long next = jdbc.queryForObject("SELECT (extract(epoch FROM min(due_at)) * 1000)::bigint FROM delayed_event", Long.class);
        return next == null ? Long.MAX_VALUE : next;
    }
}
