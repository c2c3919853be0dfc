package io.herald.server.tx;

import io.herald.server.common.HeaderCodec;
import io.herald.server.audit.Auditor;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.egress.EgressPolicy;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.push.ClientInstances;
import io.herald.server.security.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pending state of two-phase messages in PostgreSQL ({@code tx_message}, see V5).
 *
 * <p>Exactly once to the target topic rests on three things. (1) Only the first decision moves a
 * row out of PENDING (one conditional upsert), so a producer's COMMIT racing a check-back answer or
 * a manual commit yields one COMMITTING row, and a late COMMIT after a ROLLBACK changes nothing.
 * (2) Publishing takes COMMITTING rows with {@code FOR UPDATE SKIP LOCKED}, publishes them with the
 * idempotent producer, waits for every acknowledgement and marks them PUBLISHED in the same database
 * transaction: no two instances publish the same row, producer retries do not duplicate, and a row
 * once marked is never published again. (3) The row stays as the dedupe record of its message id for
 * {@code herald.tx.keep-finished}, so a half message or decision read again after a rebalance is
 * recognised. The one remaining window is a server crash after Kafka acknowledged and before the mark
 * committed: the row is published again with the same {@code ce_id} (consumers can drop it by id).
 * Closing it would need the database commit and the Kafka write in one transaction, which neither
 * offers across the other; we keep the window to milliseconds instead of adding a second store.
 *
 * <p>A committed message is never discarded while its producer is away: a check made while the app has no live
 * SDK instance (KAFKA check-back) or while its HTTP/gRPC check-back address cannot be connected does not count
 * against {@code maxChecks}, for at most the app's max-away. A discarded row keeps its payload, so a COMMIT that
 * arrives after the discard is published (producer setting {@code lateCommit} PUBLISH) or refused loudly (REFUSE),
 * and an operator can publish it anyway; the move out of DISCARDED is conditional, so it happens once.
 */
@Service
public class Transactions implements io.herald.server.ingest.HalfStore {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);
    private static final String COLUMNS = "message_id, app, topic, event_type, record_key, state, checks, created_at,"
            + " next_check_at, decided_by, decided_at, published_at, half_seen, away_since, away_checks";
    /** The producer setting {@code lateCommit}: what a COMMIT arriving after the message was discarded does. */
    public static final List<String> LATE_COMMIT = List.of("PUBLISH", "REFUSE");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final Auditor auditor;
    private final TxProperties props;
    private final MeterRegistry meters;
    private final Counter published;
    private final ClientInstances instances;
    private final EgressPolicy egress;
    /** Apps this instance last saw away (logged once when they go, once when they are back). */
    private final java.util.Set<String> awayApps = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Transactions(JdbcTemplate jdbc, TransactionTemplate tx, EventPublisher publisher, Auditor auditor, TxProperties props,
                 MeterRegistry meters, ClientInstances instances, EgressPolicy egress) {
        this.egress = egress;
        this.instances = instances;
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
        this.auditor = auditor;
        this.props = props;
        this.meters = meters;
        this.published = Counter.builder("herald.tx.published").description("Two-phase messages published to their topic")
                .register(meters);
    }

    /**
     * A two-phase message as the API shows it (without payload).
     *
     * @param awaySince  since when its producer has been away (no live SDK instance of the app, or its check-back
     *                   address could not be connected), as of the last check; null while the producer answers
     * @param awayChecks check-backs made while the producer was away, not counted in {@code checks}
     * @param warning why it cannot be settled by check-back (no online instance of its app has a
     *                {@code TransactionChecker}), or null
     */
    public record TxView(String messageId, String app, String topic, String type, String key, String state, int checks,
                         long ageMs, Instant createdAt, Instant nextCheckAt, String decidedBy, Instant decidedAt,
                         Instant publishedAt, Instant awaySince, int awayChecks, String warning) {

        TxView withWarning(String text) {
            return new TxView(messageId, app, topic, type, key, state, checks, ageMs, createdAt, nextCheckAt, decidedBy,
                    decidedAt, publishedAt, awaySince, awayChecks, text);
        }
    }

    /** The text shown for an app whose check-backs nobody answers. */
    public static String noCheckerWarning(String app) {
        return "No online instance of app '" + app + "' has a TransactionChecker: check-backs go unanswered and the message"
                + " is discarded after its last check. Give the app a TransactionChecker (a @Bean with the Spring Boot starter,"
                + " HeraldBuilder.withTransactionChecker in plain Java), or commit or roll back here.";
    }

    /**
     * Of {@code apps}, those whose check-backs go over Kafka and that no online instance answers, each
     * with the warning to show.
     */
    public java.util.Map<String, String> checkerWarnings(java.util.Collection<String> apps) {
        java.util.Set<String> kafka = new java.util.HashSet<>(apps);
        kafka.remove(null);
        if (kafka.isEmpty()) {
            return java.util.Map.of();
        }
        kafka.removeAll(jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT a.name FROM app a JOIN producer_settings ps ON ps.app_id = a.id"
                    + " WHERE ps.check_protocol IN ('HTTP', 'GRPC') AND a.name = ANY(?)");
            ps.setArray(1, con.createArrayOf("varchar", kafka.toArray()));
            return ps;
        }, (rs, i) -> rs.getString(1)));
        java.util.Map<String, String> warnings = new java.util.TreeMap<>();
        for (String app : instances.withoutTransactionChecker(kafka)) {
            warnings.put(app, noCheckerWarning(app));
        }
        return warnings;
    }

    private List<TxView> withWarnings(List<TxView> rows) {
        java.util.Map<String, String> warnings = checkerWarnings(rows.stream().filter(r -> "PENDING".equals(r.state()))
                .map(TxView::app).collect(java.util.stream.Collectors.toSet()));
        if (warnings.isEmpty()) {
            return rows;
        }
        return rows.stream().map(r -> "PENDING".equals(r.state()) && warnings.containsKey(r.app())
                ? r.withWarning(warnings.get(r.app())) : r).toList();
    }

    /** A half message read from {@code herald.tx.half}, headers already the final ones. */
    record Half(String messageId, String app, String topic, String type, byte[] key, byte[] payload, byte[] headers) {
    }

    /** A decision read from {@code herald.tx.decision} (or an HTTP check-back answer). */
    record Decision(String messageId, String app, boolean commit, String by) {
    }

    /** Stores half messages; one already known (read again, or decided before its half arrived) keeps its state. */
    void storeHalves(List<Half> halves) {
        if (halves.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> jdbc.batchUpdate("INSERT INTO tx_message (message_id, app, topic, event_type,"
                + " record_key, payload, headers, half_seen, state, next_check_at) VALUES (?, ?, ?, ?, ?, ?, ?, true, 'PENDING',"
                + " now() + COALESCE((SELECT ps.check_interval_ms FROM producer_settings ps JOIN app a ON a.id = ps.app_id"
                + " WHERE a.name = ?), ?) * interval '1 millisecond')"
                + " ON CONFLICT (message_id) DO UPDATE SET app = EXCLUDED.app, topic = EXCLUDED.topic, event_type = EXCLUDED.event_type,"
                + " record_key = EXCLUDED.record_key, payload = CASE WHEN tx_message.state = 'COMMITTING' THEN EXCLUDED.payload END,"
                + " headers = CASE WHEN tx_message.state = 'COMMITTING' THEN EXCLUDED.headers END, half_seen = true"
                + " WHERE NOT tx_message.half_seen", halves, halves.size(), (ps, h) -> {
                    ps.setString(1, h.messageId());
                    ps.setString(2, h.app());
                    ps.setString(3, h.topic());
                    ps.setString(4, h.type());
                    ps.setBytes(5, h.key());
                    ps.setBytes(6, h.payload());
                    ps.setBytes(7, h.headers());
                    ps.setString(8, h.app());
                    ps.setLong(9, props.checkInterval().toMillis());
                }));
    }

    /**
     * Applies decisions; only the first one for a message counts.
     *
     * @return how many moved a message to COMMITTING
     */
    int decide(List<Decision> decisions) {
        boolean[] applied = apply(decisions);
        int committing = 0;
        List<Decision> late = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            if (decisions.get(i).commit() && applied[i]) {
                committing++;
            } else if (decisions.get(i).commit()) {
                late.add(decisions.get(i));
            }
        }
        return committing + lateCommits(late);
    }

    /** A discarded message a late decision may concern. */
    private record Discarded(String messageId, String app, String lateCommit, boolean kept) {
    }

    private java.util.Map<String, Discarded> discarded(java.util.Collection<String> ids) {
        java.util.Map<String, Discarded> found = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT m.message_id, m.app, COALESCE(ps.late_commit, 'PUBLISH'), m.headers IS NOT NULL"
                    + " FROM tx_message m LEFT JOIN app a ON a.name = m.app LEFT JOIN producer_settings ps ON ps.app_id = a.id"
                    + " WHERE m.message_id = ANY(?) AND m.state = 'DISCARDED' AND m.half_seen");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, rs -> {
            found.put(rs.getString(1), new Discarded(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        });
        return found;
    }

    /**
     * COMMITs of the producer (over Kafka, or a check-back answer) that found their message discarded: published
     * with the app's {@code lateCommit} PUBLISH (the default), refused with REFUSE; audited and counted either way.
     *
     * @return how many moved to COMMITTING
     */
    private int lateCommits(List<Decision> late) {
        if (late.isEmpty()) {
            return 0;
        }
        java.util.Map<String, Discarded> rows = discarded(late.stream().map(Decision::messageId).toList());
        int committing = 0;
        for (Decision d : late) {
            Discarded row = rows.get(d.messageId());
            if (row == null || (d.app() != null && row.app() != null && !d.app().equals(row.app()))) {
                continue; // published, rolled back, or not ours: the first decision stands
            }
            Caller actor = d.app() == null ? Caller.SYSTEM : Caller.app(d.app());
            String refusal = refusal(row);
            if (refusal != null) {
                refuseLateCommit(actor, d.messageId(), row.app(), refusal);
                continue;
            }
            if (Boolean.TRUE.equals(tx.execute(status -> publishDiscarded(actor, d.messageId(), d.by() + " (late commit)",
                    "late-commit")))) {
                committing++;
                rows.remove(d.messageId()); // a second COMMIT of the same message in this batch changes nothing
            }
        }
        return committing;
    }

    /** Why a late commit of this discarded message is refused, or null when it is published. */
    private static String refusal(Discarded row) {
        if (!row.kept()) {
            return "its payload was not kept";
        }
        return "REFUSE".equals(row.lateCommit()) ? "app '" + row.app() + "' refuses late commits (producer setting lateCommit REFUSE)"
                : null;
    }

    private void refuseLateCommit(Caller actor, String id, String app, String why) {
        TxView v = view(id);
        meters.counter("herald.tx.late.commits", "app", String.valueOf(app), "outcome", "refused").increment();
        auditor.record(actor, "late-commit-refused", "transaction", id, v, null);
        log.warn("Late commit of two-phase message {} (app {}) refused: it was discarded ({}) and {}", id, app,
                v == null ? "?" : v.decidedBy(), why);
    }

    /**
     * Moves a discarded message to COMMITTING (inside the caller's transaction) and audits it: only one of
     * racing late commits and "publish anyway"s wins, so it is published once.
     */
    private boolean publishDiscarded(Caller actor, String id, String by, String action) {
        TxView before = view(id);
        int n = jdbc.update("UPDATE tx_message SET state = 'COMMITTING', decided_by = ?, decided_at = now()"
                + " WHERE message_id = ? AND state = 'DISCARDED' AND headers IS NOT NULL", by, id);
        if (n == 0) {
            return false;
        }
        TxView after = view(id);
        auditor.record(actor, action, "transaction", id, before, after);
        if (action.equals("late-commit")) {
            meters.counter("herald.tx.late.commits", "app", String.valueOf(after.app()), "outcome", "published").increment();
        } else {
            meters.counter("herald.tx.published.anyway", "app", String.valueOf(after.app())).increment();
        }
        log.info("Discarded two-phase message {} of app {} is published after all: {}", id, after.app(), by);
        return true;
    }

    /**
     * "Publish anyway": an operator publishes a discarded message (whatever the app's {@code lateCommit}); audited,
     * published once.
     */
    public TxView publishAnyway(Caller caller, String id) {
        TxView before = find(id);
        caller.requireApp(before.app());
        if (!"DISCARDED".equals(before.state())) {
            throw new ConflictException("Transaction " + id + " is " + before.state() + "; only a DISCARDED message can be"
                    + " published anyway", "state");
        }
        Boolean done = tx.execute(status -> publishDiscarded(caller, id, caller.name() + " (publish anyway)", "publish-anyway"));
        if (!Boolean.TRUE.equals(done)) {
            TxView now = find(id);
            throw new ConflictException("DISCARDED".equals(now.state())
                    ? "Transaction " + id + " cannot be published: its payload was not kept"
                    : "Transaction " + id + " is already " + now.state(), "state");
        }
        return find(id);
    }

    /** For each decision, whether it was the one that moved its message out of PENDING. */
    private boolean[] apply(List<Decision> decisions) {
        if (decisions.isEmpty()) {
            return new boolean[0];
        }
        int[][] counts = tx.execute(status -> jdbc.batchUpdate("INSERT INTO tx_message (message_id, app, state, decided_by, decided_at)"
                + " VALUES (?, ?, ?, ?, now()) ON CONFLICT (message_id) DO UPDATE SET state = EXCLUDED.state,"
                + " decided_by = EXCLUDED.decided_by, decided_at = now(),"
                + " payload = CASE WHEN EXCLUDED.state = 'COMMITTING' THEN tx_message.payload END,"
                + " headers = CASE WHEN EXCLUDED.state = 'COMMITTING' THEN tx_message.headers END"
                + " WHERE (tx_message.state = 'PENDING' OR (tx_message.state = 'DISCARDED' AND EXCLUDED.state = 'ROLLED_BACK'))"
                + " AND (tx_message.app IS NULL OR EXCLUDED.app IS NULL OR tx_message.app = EXCLUDED.app)",
                decisions, decisions.size(), (ps, d) -> {
                    ps.setString(1, d.messageId());
                    ps.setString(2, d.app());
                    ps.setString(3, d.commit() ? "COMMITTING" : "ROLLED_BACK");
                    ps.setString(4, d.by());
                }));
        boolean[] applied = new boolean[decisions.size()];
        for (int i = 0; i < decisions.size(); i++) {
            applied[i] = counts != null && counts[0][i] != 0;
        }
        return applied;
    }

    private record Committed(String messageId, String topic, ProducerRecord<byte[], byte[]> record) {
    }

    /**
     * Publishes one batch of committed messages and marks them published, in one database
     * transaction holding their row locks.
     *
     * @return the number of rows taken
     */
    int publishCommitted() {
        Integer taken = tx.execute(status -> {
            List<Committed> rows = jdbc.query("SELECT message_id, topic, record_key, payload, headers FROM tx_message"
                    + " WHERE state = 'COMMITTING' AND half_seen ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED",
                    (rs, i) -> new Committed(rs.getString(1), rs.getString(2), new ProducerRecord<>(rs.getString(2), null, null,
                            rs.getBytes(3), rs.getBytes(4), HeaderCodec.decode(rs.getBytes(5)))), props.batch());
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>(rows.size());
            for (Committed c : rows) {
                sent.add(publisher.send(c.record()));
            }
            List<String> done = new ArrayList<>(rows.size());
            RuntimeException first = null;
            for (int i = 0; i < rows.size(); i++) {
                try {
                    publisher.await(sent.get(i));
                    done.add(rows.get(i).messageId());
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            jdbc.update(con -> {
                var ps = con.prepareStatement("UPDATE tx_message SET state = 'PUBLISHED', published_at = now(), payload = NULL,"
                        + " headers = NULL WHERE message_id = ANY(?)");
                ps.setArray(1, con.createArrayOf("varchar", done.toArray()));
                return ps;
            });
            published.increment(done.size());
            if (first != null) {
                log.warn("{} committed two-phase message(s) not published yet, trying again: {}", rows.size() - done.size(),
                        first.getMessage());
            }
            return rows.size();
        });
        return taken == null ? 0 : taken;
    }

    /** A check-back to make (already counted in the row). */
    record Check(String messageId, String app, String topic, String type, byte[] key, int number, String protocol,
                 String address) {
    }

    /**
     * Takes the pending messages whose check is due: discards those that used up their checks
     * (metric, audit), counts one more check for the others and hands them to {@code sender} inside
     * the transaction (a Kafka check is sent before the count commits; an HTTP call is only queued).
     */
    int dueChecks(java.util.function.Consumer<List<Check>> sender) {
        return dueChecks(sender, id -> false);
    }

    /**
     * As {@link #dueChecks(java.util.function.Consumer)}; an HTTP or gRPC check whose previous call on this instance
     * is still under way is put off by one interval, neither sent nor counted (a slow producer is not asked twice at
     * once, and calls stuck connecting do not use up its checks).
     */
    int dueChecks(java.util.function.Consumer<List<Check>> sender, java.util.function.Predicate<String> inFlight) {
        Integer taken = tx.execute(status -> {
            record Due(String id, String app, String topic, String type, byte[] key, int checks, String protocol, String address,
                       long interval, int max, Instant awaySince, long maxAwayMs) {
            }
            List<Due> due = jdbc.query("SELECT m.message_id, m.app, m.topic, m.event_type, m.record_key, m.checks,"
                    + " COALESCE(ps.check_protocol, 'KAFKA'), ps.check_address, COALESCE(ps.check_interval_ms, ?),"
                    + " COALESCE(ps.max_checks, ?), m.away_since, COALESCE(ps.max_away_ms, ?)"
                    + " FROM tx_message m LEFT JOIN app a ON a.name = m.app"
                    + " LEFT JOIN producer_settings ps ON ps.app_id = a.id"
                    + " WHERE m.state = 'PENDING' AND m.half_seen AND m.next_check_at <= now()"
                    + " ORDER BY m.next_check_at LIMIT ? FOR UPDATE OF m SKIP LOCKED",
                    (rs, i) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5),
                            rs.getInt(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getInt(10), instant(rs.getTimestamp(11)),
                            rs.getLong(12)),
                    props.checkInterval().toMillis(), props.maxChecks(), props.maxAway().toMillis(), props.batch());
            java.util.Set<String> kafkaApps = new java.util.HashSet<>();
            for (Due d : due) {
                if ("KAFKA".equals(d.protocol()) && d.app() != null) {
                    kafkaApps.add(d.app());
                }
            }
            java.util.Set<String> live = instances.live(kafkaApps);
            noteAwayApps(kafkaApps, live);
            List<Check> checks = new ArrayList<>();
            Instant now = Instant.now();
            for (Due d : due) {
                boolean kafka = "KAFKA".equals(d.protocol());
                // KAFKA: no live SDK instance of the app now; HTTP/gRPC: the last check could not connect
                boolean away = kafka ? !live.contains(d.app()) : d.awaySince() != null;
                if (away && d.awaySince() != null && d.awaySince().plusMillis(d.maxAwayMs()).isBefore(now)) {
                    discard(d.id(), d.app(), "discarded: producer away since " + d.awaySince() + " (longer than "
                            + java.time.Duration.ofMillis(d.maxAwayMs()) + ")");
                    continue;
                }
                if (!kafka && inFlight.test(d.id())) {
                    jdbc.update("UPDATE tx_message SET next_check_at = now() + ? * interval '1 millisecond' WHERE message_id = ?",
                            d.interval(), d.id());
                    continue;
                }
                if (kafka && away) {
                    // sent all the same (the app's consumers read it when they are back) but not counted
                    jdbc.update("UPDATE tx_message SET away_since = COALESCE(away_since, now()), away_checks = away_checks + 1,"
                            + " next_check_at = now() + ? * interval '1 millisecond' WHERE message_id = ?", d.interval(), d.id());
                    meters.counter("herald.tx.checks.away", "app", String.valueOf(d.app())).increment();
                    checks.add(new Check(d.id(), d.app(), d.topic(), d.type(), d.key(), d.checks() + 1, d.protocol(), d.address()));
                    continue;
                }
                if (d.checks() > 0 && d.awaySince() == null) {
                    // the previous check-back got no decision: nobody answered, or the checker said UNKNOWN
                    meters.counter("herald.tx.checks.unanswered", "app", String.valueOf(d.app())).increment();
                }
                if (d.checks() >= d.max()) {
                    discard(d.id(), d.app(), "discarded after " + d.checks() + " checks");
                } else {
                    jdbc.update("UPDATE tx_message SET checks = checks + 1, next_check_at = now() + ? * interval '1 millisecond'"
                            + (kafka ? ", away_since = NULL" : "") + " WHERE message_id = ?", d.interval(), d.id());
                    checks.add(new Check(d.id(), d.app(), d.topic(), d.type(), d.key(), d.checks() + 1, d.protocol(), d.address()));
                }
            }
            if (!checks.isEmpty()) {
                sender.accept(checks);
            }
            return due.size();
        });
        return taken == null ? 0 : taken;
    }

    /**
     * Discards a pending message (metric, audit). Its payload and headers are kept until {@code herald.tx.keep-finished}
     * so that a late commit or "publish anyway" can still publish it.
     */
    private void discard(String id, String app, String why) {
        jdbc.update("UPDATE tx_message SET state = 'DISCARDED', decided_at = now(), decided_by = ? WHERE message_id = ?", why, id);
        meters.counter("herald.tx.discarded", "app", String.valueOf(app)).increment();
        auditor.record(Caller.SYSTEM, "discard", "transaction", id, view(id), null);
        log.warn("Two-phase message {} of app {} {}", id, app, why);
    }

    /** Logs once when an app with pending messages goes away and once when it is back. */
    private void noteAwayApps(java.util.Set<String> apps, java.util.Set<String> live) {
        for (String app : apps) {
            if (live.contains(app)) {
                if (awayApps.remove(app)) {
                    log.info("App {} has a live instance again: check-backs of its two-phase messages count again", app);
                }
            } else if (awayApps.add(app)) {
                log.warn("App {} has pending two-phase messages and no live instance (no heartbeat within {}): its check-backs"
                        + " do not count until one is back, for at most its max-away", app, instances.staleAfter());
            }
        }
    }

    /**
     * An HTTP or gRPC check-back could not connect: the producer is away, and the check does not count (its count is
     * taken back).
     */
    void away(Check c) {
        int n = jdbc.update("UPDATE tx_message SET checks = GREATEST(checks - 1, 0), away_since = COALESCE(away_since, now()),"
                + " away_checks = away_checks + 1 WHERE message_id = ? AND state = 'PENDING'", c.messageId());
        if (n > 0) {
            meters.counter("herald.tx.checks.away", "app", String.valueOf(c.app())).increment();
        }
    }

    /** An HTTP or gRPC check-back connected: the producer is back, its checks count again. */
    void present(Check c) {
        jdbc.update("UPDATE tx_message SET away_since = NULL WHERE message_id = ? AND away_since IS NOT NULL", c.messageId());
    }

    /** Deletes finished rows older than the dedupe window. */
    int purgeFinished() {
        return jdbc.update("DELETE FROM tx_message WHERE state IN ('PUBLISHED', 'ROLLED_BACK', 'DISCARDED')"
                + " AND decided_at < now() - ? * interval '1 millisecond'", props.keepFinished().toMillis());
    }

    /** Two-phase messages in a state (PENDING by default) of one app (null = all), oldest first. */
    public List<TxView> list(String app, String state, int limit) {
        String s = state == null ? "PENDING" : state.toUpperCase(java.util.Locale.ROOT);
        if (!List.of("PENDING", "COMMITTING", "PUBLISHED", "ROLLED_BACK", "DISCARDED").contains(s)) {
            throw new ValidationException("state", "must be one of PENDING, COMMITTING, PUBLISHED, ROLLED_BACK, DISCARDED");
        }
        String sql = "SELECT " + COLUMNS + " FROM tx_message WHERE state = ? AND half_seen" + (app == null ? "" : " AND app = ?")
                + " ORDER BY created_at LIMIT ?";
        Object[] args = app == null ? new Object[] {s, limit} : new Object[] {s, app, limit};
        return withWarnings(jdbc.query(sql, (rs, i) -> view(rs), args));
    }

    public long pending(String app) {
        Long n = app == null ? jdbc.queryForObject("SELECT count(*) FROM tx_message WHERE state = 'PENDING' AND half_seen", Long.class)
                : jdbc.queryForObject("SELECT count(*) FROM tx_message WHERE state = 'PENDING' AND half_seen AND app = ?", Long.class, app);
        return n == null ? 0 : n;
    }

    /** A half prepared over HTTP or gRPC (no SDK): the same row and state machine as a half read from herald.tx.half. */
    @Override
    public void prepare(String app, String messageId, String type, ProducerRecord<byte[], byte[]> record) {
        Integer known = jdbc.queryForObject("SELECT count(*) FROM tx_message WHERE message_id = ?", Integer.class, messageId);
        if (known != null && known > 0) {
            throw new ConflictException("A two-phase message with id '" + messageId + "' exists already; give each one its own id", "id");
        }
        storeHalves(List.of(new Half(messageId, app, record.topic(), type, record.key(), record.value(),
                io.herald.server.common.HeaderCodec.encode(record.headers(), java.util.Set.of()))));
    }

    public TxView get(Caller caller, String id) {
        TxView view = find(id);
        if (!caller.readOnly() && !caller.actsFor(view.app())) {
            throw new ForbiddenException("The caller may not read transactions of app '" + view.app() + "'");
        }
        return withWarnings(List.of(view)).get(0);
    }

    /** Commits or rolls back a pending message by hand; audited. */
    public TxView decideManually(Caller caller, String id, boolean commit) {
        TxView found = find(id);
        caller.requireApp(found.app());
        if (commit && "DISCARDED".equals(found.state())) {
            return lateCommit(caller, found);
        }
        TxView after = tx.execute(status -> {
            TxView before = find(id);
            caller.requireApp(before.app());
            // a rollback of a discarded message records the producer's decision (it is then never offered for publishing)
            if (!"PENDING".equals(before.state()) && (commit || !"DISCARDED".equals(before.state()))) {
                throw new ConflictException("Transaction " + id + " is already " + before.state(), "state");
            }
            if (!apply(List.of(new Decision(id, before.app(), commit, caller.name())))[0]) {
                // a check-back answer or another caller decided it between our read and our write
                throw new ConflictException("Transaction " + id + " is already " + find(id).state(), "state");
            }
            TxView now = find(id);
            auditor.record(caller, commit ? "commit" : "rollback", "transaction", id, before, now);
            return now;
        });
        return after;
    }

    /** A COMMIT over HTTP or gRPC of a discarded message: published, or refused (409) per the app's {@code lateCommit}. */
    private TxView lateCommit(Caller caller, TxView before) {
        String id = before.messageId();
        Discarded row = discarded(List.of(id)).get(id);
        if (row != null) {
            String refusal = refusal(row);
            if (refusal != null) {
                refuseLateCommit(caller, id, row.app(), refusal);
                throw new ConflictException("Transaction " + id + " is already DISCARDED (" + before.decidedBy() + ") and " + refusal
                        + "; an editor can still publish it anyway", "state");
            }
            if (Boolean.TRUE.equals(tx.execute(status -> publishDiscarded(caller, id, caller.name() + " (late commit)",
                    "late-commit")))) {
                return find(id);
            }
        }
        throw new ConflictException("Transaction " + id + " is already " + find(id).state(), "state");
    }

    private TxView find(String id) {
        TxView v = view(id);
        if (v == null) {
            throw new NotFoundException("Transaction", id);
        }
        return v;
    }

    private TxView view(String id) {
        List<TxView> rows = jdbc.query("SELECT " + COLUMNS + " FROM tx_message WHERE message_id = ? AND half_seen",
                (rs, i) -> view(rs), id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static TxView view(ResultSet rs) throws SQLException {
        Instant created = instant(rs.getTimestamp(8));
        byte[] key = rs.getBytes(5);
        return new TxView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                key == null ? null : new String(key, StandardCharsets.UTF_8), rs.getString(6), rs.getInt(7),
                created == null ? 0 : Math.max(0, System.currentTimeMillis() - created.toEpochMilli()), created,
                instant(rs.getTimestamp(9)), rs.getString(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                instant(rs.getTimestamp(14)), rs.getInt(15), null);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * Producer settings of an app (check-back protocol, address, interval, max checks).
     *
     * @param lateCommit PUBLISH (default) or REFUSE: what a COMMIT that arrives after the message was discarded does
     * @param maxAwayMs  how long a message stays pending while the producer is away; absent or 0 = {@code herald.tx.max-away}
     */
    public record ProducerSettings(String app, String checkProtocol, String checkAddress, long checkIntervalMs, int maxChecks,
                                   String lateCommit, Long maxAwayMs) {
    }

    public ProducerSettings settings(Caller caller, String app) {
        if (!caller.readOnly() && !caller.actsFor(app)) {
            throw new ForbiddenException("The caller may not read producer settings of app '" + app + "'");
        }
        return findSettings(app);
    }

    private ProducerSettings findSettings(String app) {
        List<Long> ids = jdbc.queryForList("SELECT id FROM app WHERE name = ?", Long.class, app);
        if (ids.isEmpty()) {
            throw new NotFoundException("App", app, "app");
        }
        List<ProducerSettings> rows = jdbc.query("SELECT check_protocol, check_address, check_interval_ms, max_checks, late_commit,"
                + " COALESCE(max_away_ms, ?) FROM producer_settings WHERE app_id = ?", (rs, i) -> new ProducerSettings(app,
                rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5), rs.getLong(6)),
                props.maxAway().toMillis(), ids.get(0));
        return rows.isEmpty() ? new ProducerSettings(app, "KAFKA", null, props.checkInterval().toMillis(), props.maxChecks(),
                "PUBLISH", props.maxAway().toMillis()) : rows.get(0);
    }

    /** Replaces an app's producer settings; audited. */
    public ProducerSettings updateSettings(Caller caller, String app, ProducerSettings wanted) {
        caller.requireApp(app);
        String protocol = wanted.checkProtocol() == null ? "KAFKA" : wanted.checkProtocol().toUpperCase(java.util.Locale.ROOT);
        if (!protocol.equals("KAFKA") && !protocol.equals("HTTP") && !protocol.equals("GRPC")) {
            throw new ValidationException("checkProtocol", "must be KAFKA, HTTP or GRPC");
        }
        if (protocol.equals("HTTP") && (wanted.checkAddress() == null || !wanted.checkAddress().matches("https?://.+"))) {
            throw new ValidationException("checkAddress", "an http(s) URL is required with checkProtocol HTTP");
        }
        String address = wanted.checkAddress() == null ? null : wanted.checkAddress().strip();
        if (protocol.equals("HTTP")) {
            Violations v = new Violations();
            io.herald.server.catalog.CatalogRules.httpAddress(v, "checkAddress", address);
            if (!v.has("checkAddress")) {
                egress.checkUrl(v, "checkAddress", address);
            }
            v.throwIfAny();
        }
        if (protocol.equals("GRPC")) {
            Violations v = new Violations();
            io.herald.server.catalog.CatalogRules.grpcAddress(v, "checkAddress", address);
            if (!v.has("checkAddress")) {
                egress.checkGrpcTarget(v, "checkAddress", address);
            }
            v.throwIfAny();
        }
        long interval = wanted.checkIntervalMs() <= 0 ? props.checkInterval().toMillis() : wanted.checkIntervalMs();
        int max = wanted.maxChecks() <= 0 ? props.maxChecks() : wanted.maxChecks();
        if (max > 1000) {
            throw new ValidationException("maxChecks", "must be between 1 and 1000");
        }
        String lateCommit = wanted.lateCommit() == null ? "PUBLISH" : wanted.lateCommit().strip().toUpperCase(java.util.Locale.ROOT);
        if (!LATE_COMMIT.contains(lateCommit)) {
            throw new ValidationException("lateCommit", "must be PUBLISH or REFUSE");
        }
        if (wanted.maxAwayMs() != null && wanted.maxAwayMs() < 0) {
            throw new ValidationException("maxAwayMs", "must be positive (0: the server's herald.tx.max-away)");
        }
        Long maxAway = wanted.maxAwayMs() == null || wanted.maxAwayMs() == 0 ? null : wanted.maxAwayMs();
        return tx.execute(status -> {
            ProducerSettings before = findSettings(app);
            jdbc.update("INSERT INTO producer_settings (app_id, check_protocol, check_address, check_interval_ms, max_checks,"
                    + " late_commit, max_away_ms, updated_at)"
                    + " SELECT id, ?, ?, ?, ?, ?, ?, now() FROM app WHERE name = ? ON CONFLICT (app_id) DO UPDATE SET"
                    + " check_protocol = EXCLUDED.check_protocol, check_address = EXCLUDED.check_address,"
                    + " check_interval_ms = EXCLUDED.check_interval_ms, max_checks = EXCLUDED.max_checks,"
                    + " late_commit = EXCLUDED.late_commit, max_away_ms = EXCLUDED.max_away_ms, updated_at = now()",
                    protocol, protocol.equals("KAFKA") ? wanted.checkAddress() : address, interval, max, lateCommit, maxAway, app);
            ProducerSettings after = findSettings(app);
            auditor.record(caller, "update", "producer-settings", app, before, after);
            return after;
        });
    }
}
