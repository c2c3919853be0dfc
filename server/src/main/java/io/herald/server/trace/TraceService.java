package io.herald.server.trace;

import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.Traceparents;
import io.herald.server.catalog.SnapshotSource;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.Violations;
import io.herald.server.security.Caller;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Reads the trace store: one message's lifecycle, and searches by key, traceparent, topic and time.
 * Apps see the traces of topics they own, produce to or consume; admins and console users see all.
 */
@Service
public class TraceService {

    /** Most timepoints a timeline shows. */
    static final int TIMELINE_MAX = 2000;
    public static final int PAGE_MAX = 100;
    /** A topic search without a start looks this far back. */
    static final Duration TOPIC_WINDOW = Duration.ofHours(1);

    private static final String COLUMNS = "at, message_id, kind, topic, type, msg_key, app, group_name, instance,"
            + " kafka_partition, kafka_offset, broker_time, duration_ms, attempt, error, trace_id, traceparent, replay_job";

    private final JdbcTemplate jdbc;
    private final PayloadFetcher payloads;
    private final TopicService topics;
    private final SnapshotSource snapshots;

    TraceService(JdbcTemplate jdbc, PayloadFetcher payloads, TopicService topics, SnapshotSource snapshots) {
        this.jdbc = jdbc;
        this.payloads = payloads;
        this.topics = topics;
        this.snapshots = snapshots;
    }

    /**
     * A message's lifecycle, with its payload when asked for: admins and the topic's owning app may see
     * payloads.
     */
    public MessageTrace trace(Caller caller, String messageId, boolean withPayload) {
        MessageTrace trace = find(messageId).orElseThrow(() -> noTrace(messageId));
        requireVisible(caller, trace.topic());
        if (!withPayload) {
            return trace;
        }
        if (!mayViewPayload(caller, trace.topic())) {
            throw new ForbiddenException("Only an admin or the app owning topic '" + trace.topic() + "' may see its payloads");
        }
        return trace.withPayload(payload(trace));
    }

    /** The lifecycle without any access check (console, replay). */
    public Optional<MessageTrace> find(String messageId) {
        if (messageId == null || messageId.isBlank()) {
            return Optional.empty();
        }
        List<TraceRow> rows = jdbc.query("SELECT " + COLUMNS + " FROM trace_timepoint WHERE message_id = ? ORDER BY at LIMIT ?",
                TraceService::row, messageId, TIMELINE_MAX + 1);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        boolean truncated = rows.size() > TIMELINE_MAX;
        return Optional.of(Timelines.trace(messageId, truncated ? rows.subList(0, TIMELINE_MAX) : rows, truncated));
    }

    /** The original record of a traced message from Kafka; {@code found=false} when it is gone or unknown. */
    Payload payload(MessageTrace trace) {
        if (trace.topic() == null || trace.partition() == null || trace.offset() == null) {
            return Payload.missing(trace.topic(), trace.partition() == null ? -1 : trace.partition(),
                    trace.offset() == null ? -1 : trace.offset());
        }
        return payloads.fetch(trace.topic(), trace.partition(), trace.offset());
    }

    /** Whether an API caller may see payloads of a topic: admins and the topic's owning app. */
    public boolean mayViewPayload(Caller caller, String topic) {
        if (caller.admin()) {
            return true;
        }
        if (caller.app() == null || topic == null) {
            return false;
        }
        try {
            TopicView t = topics.get(topic, false);
            return caller.app().equals(t.app());
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void requireVisible(Caller caller, String topic) {
        if (caller.admin() || caller.readOnly()) {
            return;
        }
        if (caller.app() == null || topic == null || !visibleTopics(caller.app()).contains(topic)) {
            throw new ForbiddenException("The caller may not read traces of topic '" + topic + "'");
        }
    }

    private Set<String> visibleTopics(String app) {
        return snapshots.snapshot(app).topics().stream().map(TopicConfig::name).collect(Collectors.toSet());
    }

    /**
     * Messages matching the search, newest activity first. At least a key, a traceparent, a topic or
     * failures only is needed; a topic or failures alone look at the last hour unless a start is given.
     */
    public TracePage search(Caller caller, TraceSearch s, int page, int size) {
        Violations v = new Violations();
        if (page < 0) {
            v.add("page", "must be 0 or more");
        }
        if (size < 1 || size > PAGE_MAX) {
            v.add("size", "must be between 1 and " + PAGE_MAX);
        }
        String traceId = null;
        if (blank(s.traceparent()) == null && blank(s.key()) == null && blank(s.topic()) == null && !s.failedOnly()) {
            v.add("topic", "give a key, a traceparent or a topic to search by, or look for failures only");
        }
        if (blank(s.traceparent()) != null) {
            traceId = Traceparents.traceId(s.traceparent());
            if (traceId == null) {
                v.add("traceparent", "must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>) or a 32-hex trace id");
            }
        }
        Instant from = s.from();
        Instant to = s.to();
        if (from != null && to != null && !from.isBefore(to)) {
            v.add("to", "must be after 'from'");
        }
        v.throwIfAny();
        if (blank(s.key()) == null && traceId == null && from == null) {
            // a topic alone: look at the recent past rather than at days of timepoints
            from = (to != null ? to : Instant.now()).minus(TOPIC_WINDOW);
        }

        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (blank(s.key()) != null) {
            where.add("msg_key = ?");
            args.add(TraceRow.key(s.key()));
        }
        if (traceId != null) {
            where.add("trace_id = ?");
            args.add(traceId);
        }
        if (blank(s.topic()) != null) {
            where.add("topic = ?");
            args.add(s.topic().strip());
        }
        if (blank(s.type()) != null) {
            where.add("type = ?");
            args.add(s.type().strip());
        }
        if (from != null) {
            where.add("at >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            where.add("at < ?");
            args.add(Timestamp.from(to));
        }
        if (s.failedOnly()) {
            where.add("kind IN ('FAILED', 'DEAD_LETTERED')");
        }
        if (!caller.admin() && !caller.readOnly()) {
            Set<String> visible = caller.app() == null ? Set.of() : visibleTopics(caller.app());
            if (blank(s.topic()) != null && !visible.contains(s.topic().strip())) {
                throw new ForbiddenException("The caller may not read traces of topic '" + s.topic() + "'");
            }
            where.add("topic = ANY (?)");
            args.add(visible.toArray(String[]::new));
        }
        args.add(size + 1);
        args.add((long) page * size);
        List<String> ids = jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT message_id, max(at) AS last FROM trace_timepoint WHERE "
                    + String.join(" AND ", where) + " GROUP BY message_id ORDER BY last DESC, message_id LIMIT ? OFFSET ?");
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof String[] array) {
                    ps.setArray(i + 1, connection.createArrayOf("varchar", array));
                } else {
                    ps.setObject(i + 1, a);
                }
            }
            return ps;
        }, (rs, i) -> rs.getString(1));
        boolean hasMore = ids.size() > size;
        List<String> shown = hasMore ? ids.subList(0, size) : ids;
        return new TracePage(summaries(shown), page, size, hasMore);
    }

    private List<MessageSummary> summaries(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, List<TraceRow>> byId = new LinkedHashMap<>();
        ids.forEach(id -> byId.put(id, new ArrayList<>()));
        jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM trace_timepoint WHERE message_id = ANY (?)");
            ps.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, (ResultSet rs) -> {
            TraceRow r = row(rs, 0);
            byId.get(r.messageId()).add(r);
        });
        List<MessageSummary> out = new ArrayList<>();
        byId.forEach((id, rows) -> {
            if (!rows.isEmpty()) {
                out.add(Timelines.summary(id, rows));
            }
        });
        return out;
    }

    /**
     * What happened to messages after a replay job re-delivered them: per message id, the state of the
     * target group (or, without a group, of the group that got furthest) from the timepoints carrying the
     * job. Messages nothing was recorded for yet are absent.
     */
    public Map<String, GroupTrace> replayOutcomes(String replayJob, String group, Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        Map<String, List<TraceRow>> byId = new LinkedHashMap<>();
        jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM trace_timepoint WHERE message_id = ANY (?)"
                    + " AND replay_job = ?");
            ps.setArray(1, connection.createArrayOf("varchar", messageIds.toArray()));
            ps.setString(2, replayJob);
            return ps;
        }, (ResultSet rs) -> {
            TraceRow r = row(rs, 0);
            byId.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
        });
        Map<String, GroupTrace> out = new LinkedHashMap<>();
        byId.forEach((id, rows) -> Timelines.groups(Timelines.normalize(rows), null).stream()
                .filter(g -> group == null || group.equals(g.group()))
                .max(java.util.Comparator.comparingInt(g -> rank(g.state())))
                .ifPresent(g -> out.put(id, g)));
        return out;
    }

    private static int rank(String state) {
        return switch (state) {
            case Timelines.HANDLED -> 4;
            case Timelines.DEAD_LETTERED -> 3;
            case Timelines.RETRYING -> 2;
            default -> 1;
        };
    }

    static TraceRow row(ResultSet rs, int i) throws SQLException {
        Timestamp broker = rs.getTimestamp(12);
        return new TraceRow(rs.getTimestamp(1).getTime(), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), (Integer) rs.getObject(10),
                (Long) rs.getObject(11), broker == null ? null : broker.getTime(), (Long) rs.getObject(13),
                (Integer) rs.getObject(14), rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The answer for a message without a trace: a message sent but not sampled has none, which the
     * plain "does not exist" would hide.
     */
    public static NotFoundException noTrace(String messageId) {
        return NotFoundException.because("Herald has no trace of message '" + messageId + "': only sampled messages are"
                + " traced (the topic's trace sample rate, else herald.trace.default-sample-rate, at most"
                + " herald.trace.max-sampled-per-second a topic), failures always; a message appears once its producer or"
                + " a consumer recorded a step, and traces are kept for herald.trace.retention");
    }
}
