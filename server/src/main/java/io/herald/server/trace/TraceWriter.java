package io.herald.server.trace;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a batch of timepoints with binary {@code COPY} straight into their day partitions and, in the
 * same transaction, the position in {@code herald.trace} the batch ends at. That makes ingestion
 * exactly-once without a unique index (which on a partitioned table would have to include the time and
 * would slow every insert): after a crash the consumer resumes from the committed position, and a
 * consumer that lost its partition to another instance cannot commit because the position it started
 * from is no longer current.
 *
 * <p>The transaction commits with {@code synchronous_commit = off}: a PostgreSQL crash may lose the last
 * batches, but rows and position together, so they are simply read from Kafka again.
 */
@Component
class TraceWriter {

    private static final Logger log = LoggerFactory.getLogger(TraceWriter.class);
    static final String COLUMNS = "(at, message_id, kind, topic, type, msg_key, app, group_name, instance, kafka_partition,"
            + " kafka_offset, broker_time, duration_ms, attempt, error, trace_id, traceparent, replay_job)";
    private static final int FIELDS = 18;
    /** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** SQLSTATEs of "no partition of relation found for row" and "relation does not exist". */
    private static final String NO_PARTITION = "23514";
    private static final String NO_RELATION = "42P01";

    private final DataSource dataSource;
    private volatile Boolean binary;

    TraceWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A row's day has no partition (dropped by hand, or by another instance's clock): create it and retry. */
    static final class MissingPartitionException extends SQLException {
        MissingPartitionException(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause);
        }
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
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL synchronous_commit TO OFF");
                }
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
                        if (NO_PARTITION.equals(e.getSQLState()) || NO_RELATION.equals(e.getSQLState())) {
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

    /** One COPY per day, straight into that day's partition (no routing through the parent). */
    private void copy(Connection c, List<TraceRow> rows) throws SQLException {
        Map<LocalDate, List<TraceRow>> byDay = new TreeMap<>();
        for (TraceRow r : rows) {
            byDay.computeIfAbsent(TracePartitions.day(r.at()), d -> new ArrayList<>()).add(r);
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        boolean bin = binary(c);
        for (Map.Entry<LocalDate, List<TraceRow>> day : byDay.entrySet()) {
            String sql = "COPY " + TracePartitions.name(day.getKey()) + " " + COLUMNS + " FROM STDIN" + (bin ? " (FORMAT binary)" : "");
            byte[] data = bin ? encodeBinary(day.getValue()) : encode(day.getValue());
            CopyIn in = copy.copyIn(sql);
            try {
                in.writeToCopy(data, 0, data.length);
                in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        }
    }

    /** Binary COPY sends text in the database's encoding: use it only when that is UTF-8. */
    private boolean binary(Connection c) throws SQLException {
        Boolean b = binary;
        if (b == null) {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SHOW server_encoding")) {
                rs.next();
                b = "UTF8".equalsIgnoreCase(rs.getString(1));
            }
            binary = b;
        }
        return b;
    }

    private int copyEach(Connection c, List<TraceRow> rows) throws SQLException {
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

    /** SQLSTATE class 22 (data exception) or 23 (constraint violation). */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The rows in COPY's binary format. */
    static byte[] encodeBinary(List<TraceRow> rows) {
        Out out = new Out(rows.size() * 260 + 32);
        out.write(SIGNATURE, 0, SIGNATURE.length);
        out.int32(0);
        out.int32(0);
        for (TraceRow r : rows) {
            out.int16(FIELDS);
            timestamp(out, r.at());
            text(out, r.messageId());
            text(out, r.kind());
            text(out, r.topic());
            text(out, r.type());
            text(out, r.key());
            text(out, r.app());
            text(out, r.group());
            text(out, r.instance());
            int4(out, r.partition());
            int8(out, r.offset());
            if (r.brokerTime() == null) {
                out.int32(-1);
            } else {
                timestamp(out, r.brokerTime());
            }
            int8(out, r.durationMs());
            int4(out, r.attempt());
            text(out, r.error());
            text(out, r.traceId());
            text(out, r.traceparent());
            text(out, r.replayJob());
        }
        out.int16(-1);
        return out.bytes();
    }

    private static void timestamp(Out out, long epochMillis) {
        out.int32(8);
        out.int64(epochMillis * 1000 - PG_EPOCH_MICROS);
    }

    private static void int4(Out out, Integer v) {
        if (v == null) {
            out.int32(-1);
        } else {
            out.int32(4);
            out.int32(v);
        }
    }

    private static void int8(Out out, Long v) {
        if (v == null) {
            out.int32(-1);
        } else {
            out.int32(8);
            out.int64(v);
        }
    }

    private static void text(Out out, String s) {
        if (s == null) {
            out.int32(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.int32(b.length);
        out.write(b, 0, b.length);
    }

    /** A growable big-endian buffer (unsynchronized, unlike ByteArrayOutputStream). */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        private void room(int n) {
            if (size + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void write(byte[] b, int off, int len) {
            room(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void int16(int v) {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int32(int v) {
            room(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(buf, size);
        }
    }

    /** The rows in COPY's text format (tab-separated, {@code \N} for null, backslash escapes). */
    static byte[] encode(List<TraceRow> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 220);
        for (TraceRow r : rows) {
            b.append(java.time.Instant.ofEpochMilli(r.at())).append('\t');
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
                b.append(java.time.Instant.ofEpochMilli(r.brokerTime()));
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
