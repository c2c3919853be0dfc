package io.herald.server.replay;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** Replay jobs, their partitions and chosen records in PostgreSQL. */
@Repository
class ReplayJobs {

    static final String PENDING = "PENDING";
    static final String RUNNING = "RUNNING";
    static final String DONE = "DONE";
    static final String CANCELLED = "CANCELLED";
    static final String FAILED = "FAILED";

    private final JdbcTemplate jdbc;

    ReplayJobs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A job row. */
    record Job(long id, String kind, String state, String sourceTopic, String originalTopic, String targetGroup,
               String targetTopic, Instant from, Instant to, String type, String key, Integer ratePerSecond, String app,
               long total, long copied, long skipped, boolean cancelRequested, String owner, Instant leaseUntil, int claims,
               String error, String createdBy, Instant createdAt, Instant startedAt, Instant finishedAt, long written,
               String writtenMarks) {

        boolean windowFilter() {
            return from != null || to != null || type != null || key != null;
        }
    }

    /** A partition row. */
    record Part(int partition, long start, long end, long next, long copied, long skipped) {
    }

    /** A chosen record row. */
    record Item(int partition, long offset, String messageId, String outcome, String detail) {
    }

    long insert(Job j) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(c -> {
            var ps = c.prepareStatement("INSERT INTO replay_job (kind, state, source_topic, original_topic, target_group,"
                    + " target_topic, from_time, to_time, type_filter, key_filter, rate_per_second, app, total, created_by,"
                    + " finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
            ps.setString(1, j.kind());
            ps.setString(2, j.state());
            ps.setString(3, j.sourceTopic());
            ps.setString(4, j.originalTopic());
            ps.setString(5, j.targetGroup());
            ps.setString(6, j.targetTopic());
            ps.setTimestamp(7, ts(j.from()));
            ps.setTimestamp(8, ts(j.to()));
            ps.setString(9, j.type());
            ps.setString(10, j.key());
            ps.setObject(11, j.ratePerSecond());
            ps.setString(12, j.app());
            ps.setLong(13, j.total());
            ps.setString(14, j.createdBy());
            ps.setTimestamp(15, ts(j.finishedAt()));
            return ps;
        }, keys);
        return keys.getKey().longValue();
    }

    void insertParts(long job, Collection<Part> parts) {
        jdbc.batchUpdate("INSERT INTO replay_partition (job_id, partition, start_offset, end_offset, next_offset) VALUES (?, ?, ?, ?, ?)",
                parts.stream().map(p -> new Object[] {job, p.partition(), p.start(), p.end(), p.next()}).toList());
    }

    void insertItems(long job, Collection<Item> items) {
        jdbc.batchUpdate("INSERT INTO replay_item (job_id, partition, kafka_offset, message_id, outcome, detail)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, partition, kafka_offset) DO UPDATE SET outcome = EXCLUDED.outcome,"
                        + " message_id = coalesce(EXCLUDED.message_id, replay_item.message_id), detail = EXCLUDED.detail, done_at = now()",
                items.stream().map(i -> new Object[] {job, i.partition(), i.offset(), i.messageId(), i.outcome(), i.detail()}).toList());
    }

    Optional<Job> find(long id) {
        return jdbc.query("SELECT * FROM replay_job WHERE id = ?", ReplayJobs::job, id).stream().findFirst();
    }

    List<Part> parts(long job) {
        return jdbc.query("SELECT partition, start_offset, end_offset, next_offset, copied, skipped FROM replay_partition"
                + " WHERE job_id = ? ORDER BY partition", (rs, i) -> new Part(rs.getInt(1), rs.getLong(2), rs.getLong(3),
                rs.getLong(4), rs.getLong(5), rs.getLong(6)), job);
    }

    List<Item> items(long job, int limit) {
        return jdbc.query("SELECT partition, kafka_offset, message_id, outcome, detail FROM replay_item WHERE job_id = ?"
                + " ORDER BY partition, kafka_offset LIMIT ?", (rs, i) -> new Item(rs.getInt(1), rs.getLong(2), rs.getString(3),
                rs.getString(4), rs.getString(5)), job, limit);
    }

    List<Item> pendingItems(long job) {
        return jdbc.query("SELECT partition, kafka_offset, message_id, outcome, detail FROM replay_item WHERE job_id = ?"
                + " AND outcome = 'PENDING' ORDER BY partition, kafka_offset", (rs, i) -> new Item(rs.getInt(1), rs.getLong(2),
                rs.getString(3), rs.getString(4), rs.getString(5)), job);
    }

    long countItems(long job) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM replay_item WHERE job_id = ?", Long.class, job);
        return n == null ? 0 : n;
    }

    long countDoneItems(long job) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM replay_item WHERE job_id = ? AND outcome <> 'PENDING'", Long.class, job);
        return n == null ? 0 : n;
    }

    /** Newest first, filtered by app (null = all), state and source topic. */
    List<Job> list(String app, String state, String topic, int limit, long offset) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT * FROM replay_job WHERE true");
        if (app != null) {
            sql.append(" AND app = ?");
            args.add(app);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state);
        }
        if (topic != null) {
            sql.append(" AND (source_topic = ? OR original_topic = ?)");
            args.add(topic);
            args.add(topic);
        }
        sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return jdbc.query(sql.toString(), ReplayJobs::job, args.toArray());
    }

    long count(String app, String state, String topic) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM replay_job WHERE true");
        if (app != null) {
            sql.append(" AND app = ?");
            args.add(app);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state);
        }
        if (topic != null) {
            sql.append(" AND (source_topic = ? OR original_topic = ?)");
            args.add(topic);
            args.add(topic);
        }
        Long n = jdbc.queryForObject(sql.toString(), Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    /**
     * Takes the oldest open job nobody holds (never claimed, released, or its owner's lease ran out);
     * SKIP LOCKED lets several instances claim at once without waiting on each other.
     */
    Optional<Long> claim(String owner, Duration lease) {
        List<Long> ids = jdbc.queryForList("UPDATE replay_job SET owner = ?, lease_until = now() + ? * interval '1 millisecond',"
                + " state = 'RUNNING', started_at = coalesce(started_at, now()), claims = claims + 1, updated_at = now()"
                + " WHERE id = (SELECT id FROM replay_job WHERE state IN ('PENDING', 'RUNNING')"
                + " AND (lease_until IS NULL OR lease_until < now()) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id",
                Long.class, owner, lease.toMillis());
        return ids.stream().findFirst();
    }

    /** Renews the lease if this owner still holds the job; answers whether it does, and whether cancel was asked. */
    Optional<Boolean> renew(long id, String owner, Duration lease) {
        List<Boolean> r = jdbc.queryForList("UPDATE replay_job SET lease_until = now() + ? * interval '1 millisecond',"
                + " updated_at = now() WHERE id = ? AND owner = ? AND state = 'RUNNING' RETURNING cancel_requested",
                Boolean.class, lease.toMillis(), id, owner);
        return r.stream().findFirst();
    }

    void progress(long id, Part p) {
        jdbc.update("UPDATE replay_partition SET next_offset = ?, copied = ?, skipped = ? WHERE job_id = ? AND partition = ?",
                p.next(), p.copied(), p.skipped(), id, p.partition());
    }

    void totals(long id, long copied, long skipped, long written, String writtenMarks) {
        jdbc.update("UPDATE replay_job SET copied = ?, skipped = ?, written = ?, written_marks = ? WHERE id = ?", copied, skipped,
                written, writtenMarks, id);
    }

    /** Ends a job this owner holds. */
    boolean finish(long id, String owner, String state, String error) {
        return jdbc.update("UPDATE replay_job SET state = ?, error = ?, finished_at = now(), owner = NULL, lease_until = NULL,"
                + " updated_at = now() WHERE id = ? AND owner = ? AND state = 'RUNNING'", state, error, id, owner) == 1;
    }

    /** Gives a job back (server stopping, or a failure to retry after a pause). */
    void release(long id, String owner, Duration retryAfter, String error) {
        jdbc.update("UPDATE replay_job SET owner = NULL, lease_until = now() + ? * interval '1 millisecond', error = ?,"
                + " updated_at = now() WHERE id = ? AND owner = ? AND state = 'RUNNING'", retryAfter.toMillis(), error, id, owner);
    }

    /**
     * Asks a job to stop. A job nobody runs right now (pending, or its lease ran out) is cancelled at
     * once; a running one stops at its next progress step.
     */
    void requestCancel(long id) {
        jdbc.update("UPDATE replay_job SET state = 'CANCELLED', cancel_requested = true, finished_at = now(), owner = NULL,"
                + " lease_until = NULL, updated_at = now() WHERE id = ? AND (state = 'PENDING' OR (state = 'RUNNING'"
                + " AND (lease_until IS NULL OR lease_until < now())))", id);
        jdbc.update("UPDATE replay_job SET cancel_requested = true, updated_at = now() WHERE id = ? AND state = 'RUNNING'", id);
    }

    /** Deletes jobs that ended before the cutoff; answers how many. */
    int deleteFinishedBefore(Duration age) {
        return jdbc.update("DELETE FROM replay_job WHERE state IN ('DONE', 'CANCELLED', 'FAILED')"
                + " AND finished_at < now() - ? * interval '1 millisecond'", age.toMillis());
    }

    void markMissing(long id) {
        jdbc.update("UPDATE replay_item SET outcome = 'MISSING', detail = 'no such record in the topic any more', done_at = now()"
                + " WHERE job_id = ? AND outcome = 'PENDING'", id);
    }

    private static Job job(ResultSet rs, int i) throws SQLException {
        return new Job(rs.getLong("id"), rs.getString("kind"), rs.getString("state"), rs.getString("source_topic"),
                rs.getString("original_topic"), rs.getString("target_group"), rs.getString("target_topic"),
                instant(rs.getTimestamp("from_time")), instant(rs.getTimestamp("to_time")), rs.getString("type_filter"),
                rs.getString("key_filter"), (Integer) rs.getObject("rate_per_second"), rs.getString("app"), rs.getLong("total"),
                rs.getLong("copied"), rs.getLong("skipped"), rs.getBoolean("cancel_requested"), rs.getString("owner"),
                instant(rs.getTimestamp("lease_until")), rs.getInt("claims"), rs.getString("error"), rs.getString("created_by"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")), rs.getLong("written"), rs.getString("written_marks"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
