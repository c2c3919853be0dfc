package io.herald.server.audit;

import io.herald.server.security.Caller;
import io.herald.server.security.SystemAudit;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes audit rows into PostgreSQL in the caller's transaction, so a change and its audit entry
 * commit or roll back together. Secrets are masked before anything is written.
 */
@Component
class DatabaseAuditor implements Auditor, AuditLog, SystemAudit {

    private static final Pattern SECRET = Pattern.compile(".*(key|secret|password|token|credential).*");
    private static final String MASK = "***";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    DatabaseAuditor(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void record(Caller actor, String action, String objectType, String objectId, Object before, Object after) {
        jdbc.update("INSERT INTO audit_log (actor, action, object_type, object_id, before, after)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)",
                actor.name(), action, objectType, objectId, masked(before), masked(after));
    }

    @Override
    public void record(String action, String objectType, String objectId, Object after) {
        record(Caller.SYSTEM, action, objectType, objectId, null, after);
    }

    String masked(Object value) {
        if (value == null) {
            return null;
        }
        JsonNode tree = json.valueToTree(value);
        mask(tree);
        return json.writeValueAsString(tree);
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
                String name = field.getKey().toLowerCase(Locale.ROOT);
                if (SECRET.matcher(name).matches() && field.getValue().isValueNode() && !name.endsWith("prefix")) {
                    object.put(field.getKey(), MASK);
                } else {
                    mask(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(DatabaseAuditor::mask);
        }
    }

    @Override
    public List<AuditEntry> find(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, object_type, object_id, before::text, after::text"
                + " FROM audit_log WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.actor() != null && !q.actor().isBlank()) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
        }
        if (q.objectType() != null && !q.objectType().isBlank()) {
            sql.append(" AND object_type = ?");
            args.add(q.objectType());
        }
        if (q.objectId() != null && !q.objectId().isBlank()) {
            sql.append(" AND object_id = ?");
            args.add(q.objectId());
        }
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            args.add(Timestamp.from(q.to()));
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ? OFFSET ?");
        args.add(q.size());
        args.add((long) q.page() * q.size());
        return jdbc.query(sql.toString(), (rs, i) -> new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)),
                args.toArray());
    }

    static Instant now() {
        return Instant.now();
    }
}
