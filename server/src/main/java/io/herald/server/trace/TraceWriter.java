package io.herald.server.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a batch of timepoints with {@code COPY} and, in the same transaction, the position in
 * {@code herald.trace} the batch ends at. That makes ingestion exactly-once without a unique index
 * (which on a partitioned table would have to include the time and would slow every insert): after a
 * crash the consumer resumes from the committed position, and a consumer that lost its partition to
 * another instance cannot commit because the position it started from is no longer current.
 */
@Component
class TraceWriter {

    private static final Logger log = LoggerFactory.getLogger(TraceWriter.class);
    static final String COPY_SQL = "COPY trace_timepoint (at, message_id, kind, topic, type, msg_key, app, group_name,"
            + " instance, kafka_partition, kafka_offset, broker_time, duration_ms, attempt, error, trace_id, traceparent,"
            + " replay_job) FROM STDIN";

    /** SQLSTATE of "no partition of relation found for row" (check_violation). */
    private static final String NO_PARTITION = "23514";

    private final DataSource dataSource;

    /** A row's day has no partition (it was dropped by hand, or by another instance's clock): create it and retry. */
    static final class MissingPartitionException extends SQLException {
        MissingPartitionException(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause);
        }
    }

    TraceWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Where one {@code herald.trace} partition stands: {@code expected} is the committed next offset or null (none yet). */
    record Advance(Long expected, long next) {
    }

    /** What a write did. */
    record Result(boolean committed, int written, int rejected) {
        static final Result FENCED = new Result(false, 0, 0);
    }

    /**
     * Stores the rows and advances the positions in one transaction.
     *
     * @return {@link Result#FENCED} (nothing written) when a position was not what this consumer expected
     */
    Result write(String topic, Map<Integer, Advance> positions, List<TraceRow> rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!advance(c, topic, positions)) {
                    c.rollback();
                    return Result.FENCED;
                }
                int rejected = 0;
                if (!rows.isEmpty()) {
                    Savepoint before = c.setSavepoint();
                    try {
                        copy(c, rows);
                    } catch (SQLException e) {
                        if (NO_PARTITION.equals(e.getSQLState())) {
                            throw new MissingPartitionException(e);
                        }
                        if (!isDataError(e)) {
                            throw e;
                        }
                        // One bad row must not stop the store: write them one by one, skipping those refused.
                        c.rollback(before);
                        rejected = copyEach(c, rows);
                    }
                }
                c.commit();
                return new Result(true, rows.size() - rejected, rejected);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static boolean advance(Connection c, String topic, Map<Integer, Advance> positions) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE trace_ingest_offset SET next_offset = ?, updated_at = now()"
                + " WHERE topic = ? AND partition = ? AND next_offset = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO trace_ingest_offset (topic, partition, next_offset)"
                     + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Map.Entry<Integer, Advance> e : positions.entrySet()) {
                Advance a = e.getValue();
                int n;
                if (a.expected() == null) {
                    insert.setString(1, topic);
                    insert.setInt(2, e.getKey());
                    insert.setLong(3, a.next());
                    n = insert.executeUpdate();
                } else {
                    update.setLong(1, a.next());
                    update.setString(2, topic);
                    update.setInt(3, e.getKey());
                    update.setLong(4, a.expected());
                    n = update.executeUpdate();
                }
                if (n != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void copy(Connection c, List<TraceRow> rows) throws SQLException {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        byte[] data = encode(rows);
        try {
            copy.copyIn(COPY_SQL, new ByteArrayInputStream(data), 65536);
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }

    private static int copyEach(Connection c, List<TraceRow> rows) throws SQLException {
        int rejected = 0;
        for (TraceRow row : rows) {
            Savepoint sp = c.setSavepoint();
            try {
                copy(c, List.of(row));
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    throw e;
                }
                c.rollback(sp);
                rejected++;
                log.debug("Timepoint of message {} refused by PostgreSQL: {}", row.messageId(), e.getMessage());
            }
        }
        return rejected;
    }

    /** SQLSTATE class 22 (data exception) or 23 (constraint violation), e.g. no partition for a row. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The rows in COPY's text format (tab-separated, {@code \N} for null, backslash escapes). */
    static byte[] encode(List<TraceRow> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 220);
        for (TraceRow r : rows) {
            b.append(Instant.ofEpochMilli(r.at())).append('\t');
            text(b, r.messageId()).append('\t');
            text(b, r.kind()).append('\t');
            text(b, r.topic()).append('\t');
            text(b, r.type()).append('\t');
            text(b, r.key()).append('\t');
            text(b, r.app()).append('\t');
            text(b, r.group()).append('\t');
            text(b, r.instance()).append('\t');
            num(b, r.partition()).append('\t');
            num(b, r.offset()).append('\t');
            if (r.brokerTime() == null) {
                b.append("\\N");
            } else {
                b.append(Instant.ofEpochMilli(r.brokerTime()));
            }
            b.append('\t');
            num(b, r.durationMs()).append('\t');
            num(b, r.attempt()).append('\t');
            text(b, r.error()).append('\t');
            text(b, r.traceId()).append('\t');
            text(b, r.traceparent()).append('\t');
            text(b, r.replayJob()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder num(StringBuilder b, Number n) {
        return n == null ? b.append("\\N") : b.append(n.longValue());
    }

    private static StringBuilder text(StringBuilder b, String s) {
        if (s == null) {
            return b.append("\\N");
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b;
    }
}
