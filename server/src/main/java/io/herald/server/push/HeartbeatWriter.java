package io.herald.server.push;

import io.herald.sdk.wire.Heartbeat;
import io.herald.server.common.DatabaseUnavailableException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes SDK heartbeats to {@code client_instance} in multi-row upserts, so that 10,000 instances
 * heartbeating every 10 s cost about one statement a second instead of 1,000 through a 10-connection pool.
 * <ul>
 * <li>A heartbeat that only says "still here" (this server wrote the same host, SDK version, applied
 * version, checker flag and apply error for the instance before) is coalesced in memory and written with the next
 * flush ({@code herald.push.heartbeat-flush}); its {@code last_seen} is the time it arrived, not the
 * time of the flush, so staleness is measured as before.</li>
 * <li>Any other heartbeat (a new instance, a changed field) is written before it is answered: the
 * flusher is woken, and every request waiting meanwhile joins the same statement (group commit), so an
 * instance is listed as soon as its first heartbeat is answered, and a fleet starting at once is
 * written in a few statements.</li>
 * </ul>
 * A heartbeat for an instance that is gone from the table (forgotten, deregistered elsewhere) inserts it
 * again, as the upsert does either way.
 */
@Component
class HeartbeatWriter {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);
    /** Rows per statement: 9 parameters each, well under PostgreSQL's 32767. */
    private static final int CHUNK = 1000;
    private static final long WAIT_FOR_WRITE_MS = 10_000;

    private final JdbcTemplate jdbc;
    private final PushProperties props;
    private final ConcurrentHashMap<Key, Pending> pending = new ConcurrentHashMap<>();
    /** What this server last wrote per instance: a heartbeat equal to it is a mere refresh. */
    private final ConcurrentHashMap<Key, Written> written = new ConcurrentHashMap<>();
    private long lastPrune = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicLong statements = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private volatile boolean urgent;
    private Thread thread;

    HeartbeatWriter(JdbcTemplate jdbc, PushProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    private record Key(String app, String instanceId) {
    }

    private record Written(Heartbeat heartbeat, long atNanos) {
    }

    /** A heartbeat waiting to be written, with the callers waiting for it (none for a refresh). */
    private record Pending(Heartbeat heartbeat, long receivedNanos, List<CompletableFuture<Void>> waiting) {
    }

    @PostConstruct
    void start() {
        thread = new Thread(this::loop, "herald-heartbeat-writer");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(5_000);
    }

    /**
     * Records one (validated) heartbeat: at once when it says something new, else with the next flush.
     *
     * @throws DatabaseUnavailableException when it had to be written and could not be
     */
    void record(Heartbeat hb) {
        Key key = new Key(hb.app(), hb.instanceId());
        Heartbeat normal = normalized(hb);
        Written before = written.get(key);
        if (before != null && normal.equals(before.heartbeat())) {
            pending.merge(key, new Pending(normal, System.nanoTime(), List.of()), HeartbeatWriter::newer);
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.merge(key, new Pending(normal, System.nanoTime(), List.of(done)), HeartbeatWriter::newer);
        urgent = true;
        LockSupport.unpark(thread);
        try {
            done.get(WAIT_FOR_WRITE_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new DatabaseUnavailableException("The heartbeat could not be written within " + WAIT_FOR_WRITE_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing a heartbeat", e);
        }
    }

    /** An instance left (deregistered): a refresh still waiting must not bring it back. */
    void forget(String app, String instanceId) {
        Key key = new Key(app, instanceId);
        written.remove(key);
        Pending p = pending.remove(key);
        if (p != null) {
            p.waiting().forEach(f -> f.complete(null));
        }
    }

    /** Upsert statements written so far (each of up to 1,000 heartbeats). */
    long statements() {
        return statements.get();
    }

    /** Heartbeats waiting for the next flush (for tests and metrics). */
    int pending() {
        return pending.size();
    }

    private static Pending newer(Pending old, Pending neu) {
        if (old.waiting().isEmpty()) {
            return neu;
        }
        List<CompletableFuture<Void>> all = new ArrayList<>(old.waiting());
        all.addAll(neu.waiting());
        return new Pending(neu.heartbeat(), neu.receivedNanos(), all);
    }

    private static Heartbeat normalized(Heartbeat hb) {
        return new Heartbeat(hb.app(), hb.instanceId(), hb.host(), hb.sdkVersion(), hb.appliedConfigVersion(),
                Boolean.TRUE.equals(hb.transactionChecker()), hb.applyErrorVersion(), hb.applyError());
    }

    private void loop() {
        long every = props.heartbeatFlush().toNanos();
        long next = System.nanoTime() + every;
        while (running) {
            long left = next - System.nanoTime();
            if (!urgent && left > 0) {
                LockSupport.parkNanos(this, left);
                continue;
            }
            urgent = false;
            if (left <= 0) {
                next = System.nanoTime() + every;
            }
            flush();
        }
        flush();
    }

    /** Writes everything pending; runs on the writer thread only. */
    void flush() {
        long now = System.nanoTime();
        long keep = props.staleAfter().toNanos();
        if (now - lastPrune > keep) {
            // instances gone silent: their next heartbeat (if any) is written in full
            written.values().removeIf(w -> now - w.atNanos() > keep);
            lastPrune = now;
        }
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<Key, Pending>> batch = new ArrayList<>(pending.size());
        for (Key key : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(key);
            if (p != null) {
                batch.add(Map.entry(key, p));
            }
        }
        for (int from = 0; from < batch.size(); from += CHUNK) {
            List<Map.Entry<Key, Pending>> chunk = batch.subList(from, Math.min(batch.size(), from + CHUNK));
            try {
                write(chunk);
                for (Map.Entry<Key, Pending> e : chunk) {
                    written.put(e.getKey(), new Written(e.getValue().heartbeat(), now));
                    e.getValue().waiting().forEach(f -> f.complete(null));
                }
            } catch (RuntimeException ex) {
                RuntimeException answer = DatabaseUnavailableException.in(ex).<RuntimeException>map(d -> d)
                        .orElseGet(() -> new IllegalStateException("Heartbeats could not be written: " + ex.getMessage(), ex));
                int refreshes = 0;
                for (Map.Entry<Key, Pending> e : chunk) {
                    // the instance's next heartbeat is written in full, not taken for a refresh of what failed
                    written.remove(e.getKey());
                    if (e.getValue().waiting().isEmpty()) {
                        refreshes++;
                    }
                    e.getValue().waiting().forEach(f -> f.completeExceptionally(answer));
                }
                log.atLevel(DatabaseUnavailableException.logLevel(ex)).log("Could not write {} heartbeat(s) ({} refreshes dropped;"
                        + " those instances' next heartbeats will be written): {}", chunk.size(), refreshes, ex.toString());
            }
        }
    }

    private void write(List<Map.Entry<Key, Pending>> chunk) {
        StringBuilder sql = new StringBuilder("INSERT INTO client_instance (app_id, instance_id, host, sdk_version,"
                + " applied_version, tx_checker, apply_error_version, apply_error, first_seen, last_seen)"
                + " SELECT a.id, v.instance_id, v.host, v.sdk_version, v.applied_version, v.tx_checker, v.apply_error_version,"
                + " v.apply_error, v.seen, v.seen FROM (VALUES ");
        List<Object> args = new ArrayList<>(chunk.size() * 9);
        long now = System.nanoTime();
        for (int i = 0; i < chunk.size(); i++) {
            Heartbeat hb = chunk.get(i).getValue().heartbeat();
            sql.append(i == 0 ? "" : ",").append("(?::text, ?::text, ?::text, ?::text, ?::bigint, ?::boolean, ?::bigint, ?::text,"
                    + " now() - ?::double precision * interval '1 millisecond')");
            args.add(hb.app());
            args.add(hb.instanceId());
            args.add(hb.host());
            args.add(hb.sdkVersion());
            args.add(hb.appliedConfigVersion());
            args.add(Boolean.TRUE.equals(hb.transactionChecker()));
            args.add(hb.applyErrorVersion());
            args.add(hb.applyError());
            // its age on this server: last_seen is when it arrived, on the database's clock as everywhere else
            args.add(Math.max(0, (now - chunk.get(i).getValue().receivedNanos()) / 1e6));
        }
        sql.append(") AS v (app, instance_id, host, sdk_version, applied_version, tx_checker, apply_error_version, apply_error, seen)"
                + " JOIN app a ON a.name = v.app"
                + " ON CONFLICT (app_id, instance_id) DO UPDATE SET host = excluded.host, sdk_version = excluded.sdk_version,"
                + " applied_version = excluded.applied_version, tx_checker = excluded.tx_checker,"
                + " apply_error_version = excluded.apply_error_version, apply_error = excluded.apply_error,"
                + " last_seen = GREATEST(client_instance.last_seen, excluded.last_seen)");
        jdbc.update(sql.toString(), args.toArray());
        statements.incrementAndGet();
    }
}
