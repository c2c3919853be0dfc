package io.herald.server.schedule;

import io.herald.server.audit.Auditor;
import io.herald.server.catalog.AppService;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.ingest.ProducerCatalog;
import io.herald.server.schedule.ScheduleView.MisfirePolicy;
import io.herald.server.security.Caller;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Cyclic events: create, read, change, pause, delete. A schedule belongs to an app, which must be
 * allowed to produce its event's type to its topic; the payload is checked against the type's
 * JSON Schema when the schedule is saved, not when it ticks. Changes bump the config version
 * and are audited like every catalog change.
 */
@Service
@Transactional
public class ScheduleService {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._ -]{0,199}");
    static final String COLUMNS = "s.id, a.name, s.name, s.description, s.cron, s.fixed_rate_ms, s.time_zone, s.start_at, s.end_at,"
            + " s.max_count, s.fired_count, s.topic, s.event_type, s.event_key, s.payload, s.content_type, s.misfire_policy,"
            + " s.paused, s.next_fire_at, s.last_fired_at, s.created_at, s.updated_at";
    static final String FROM = " FROM schedule s JOIN app a ON a.id = s.app_id";

    private final JdbcTemplate jdbc;
    private final ProducerCatalog catalog;
    private final AppService apps;
    private final Auditor auditor;
    private final ObjectMapper json;

    ScheduleService(JdbcTemplate jdbc, ProducerCatalog catalog, AppService apps, Auditor auditor,
                    ObjectMapper json) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.apps = apps;
        this.auditor = auditor;
        this.json = json;
    }

    /** Create or change a schedule; on update, null fields stay as they are. */
    public record ScheduleRequest(String app, String name, String description, String cron, Long fixedRateMillis,
                                  String timeZone, Instant startAt, Instant endAt, Long maxCount, String topic, String type,
                                  String key, JsonNode payload, String contentType, String misfirePolicy, Boolean paused) {
    }

    public ScheduleView create(Caller caller, ScheduleRequest r) {
        String app = r.app() != null ? r.app() : caller.app();
        Violations v = new Violations();
        if (app == null || app.isBlank()) {
            v.add("app", "is required: the app the schedule publishes for");
        }
        name(v, r.name());
        if ((r.cron() == null || r.cron().isBlank()) == (r.fixedRateMillis() == null)) {
            v.add("cron", "give either cron or fixedRateMillis");
        }
        if (r.topic() == null || r.topic().isBlank()) {
            v.add("topic", "is required");
        }
        if (r.type() == null || r.type().isBlank()) {
            v.add("type", "is required: a type declared on the topic");
        }
        Row row = new Row();
        row.app = app;
        row.name = r.name() == null ? null : r.name().strip();
        row.timeZone = "UTC";
        row.contentType = "application/json";
        row.misfirePolicy = MisfirePolicy.FIRE_ONCE;
        row.createdAt = Instant.now();
        apply(v, row, r);
        v.throwIfAny();
        caller.requireApp(app);
        if (!apps.exists(app)) {
            throw new NotFoundException("App", app, "app");
        }
        checkEvent(row);
        row.nextFireAt = row.paused ? null : ticks(row).next(row.createdAt, 0);
        if (!row.paused && row.nextFireAt == null) {
            throw new ValidationException("endAt", "no tick is left before the end");
        }
        if (exists(app, row.name)) {
            throw new ConflictException("App '" + app + "' already has a schedule named '" + row.name + "'", "name");
        }
        Long id = jdbc.queryForObject("INSERT INTO schedule (app_id, name, description, cron, fixed_rate_ms, time_zone, start_at,"
                        + " end_at, max_count, topic, event_type, event_key, payload, content_type, misfire_policy, paused, next_fire_at,"
                        + " created_at, updated_at) VALUES ((SELECT id FROM app WHERE name = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?, ?, ?) RETURNING id", Long.class,
                app, row.name, row.description, row.cron, row.fixedRateMs, row.timeZone, ts(row.startAt), ts(row.endAt), row.maxCount,
                row.topic, row.type, row.key, row.payload, row.contentType, row.misfirePolicy.name(), row.paused, ts(row.nextFireAt),
                ts(row.createdAt), ts(row.createdAt));
        ScheduleView view = find(id);
        auditor.record(caller, "create", "schedule", String.valueOf(id), null, view);
        return view;
    }

    @Transactional(readOnly = true)
    public List<ScheduleView> list(Caller caller, String app) {
        String filter = app;
        if (!caller.admin() && !caller.readOnly()) {
            if (app != null && !app.equals(caller.app())) {
                throw new ForbiddenException("The caller may not list schedules of app '" + app + "'");
            }
            filter = caller.app();
        }
        if (filter == null || filter.isBlank()) {
            return jdbc.query("SELECT " + COLUMNS + FROM + " ORDER BY a.name, s.name", (rs, i) -> view(rs));
        }
        return jdbc.query("SELECT " + COLUMNS + FROM + " WHERE a.name = ? ORDER BY s.name", (rs, i) -> view(rs), filter);
    }

    @Transactional(readOnly = true)
    public ScheduleView get(Caller caller, long id) {
        ScheduleView view = find(id);
        requireRead(caller, view);
        Row row = Row.of(view);
        return view.withUpcoming(view.nextFireAt() == null ? List.of()
                : java.util.stream.Stream.concat(java.util.stream.Stream.of(view.nextFireAt()),
                ticks(row).upcoming(view.nextFireAt(), view.firedCount() + 1, 4).stream()).toList());
    }

    @Transactional(readOnly = true)
    public List<ScheduleView.Firing> history(Caller caller, long id, int limit) {
        requireRead(caller, find(id));
        return jdbc.query("SELECT id, tick_at, fired_at, outcome, message_id, partition, \"offset\", detail, instance"
                        + " FROM schedule_firing WHERE schedule_id = ? ORDER BY tick_at DESC, id DESC LIMIT ?",
                (rs, i) -> new ScheduleView.Firing(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(),
                        rs.getString(4), rs.getString(5), (Integer) rs.getObject(6), (Long) rs.getObject(7), rs.getString(8),
                        rs.getString(9)), id, Math.max(1, Math.min(limit, 1000)));
    }

    /** Changes the fields given; null fields stay as they are (the API's PATCH). */
    public ScheduleView update(Caller caller, long id, ScheduleRequest r) {
        return update(caller, id, r, false);
    }

    /**
     * Sets the schedule to exactly what a whole form holds: an empty description, key, start, end
     * or maximum count removes it (the console's edit form, which always sends every field).
     */
    public ScheduleView replace(Caller caller, long id, ScheduleRequest r) {
        return update(caller, id, r, true);
    }

    private ScheduleView update(Caller caller, long id, ScheduleRequest r, boolean whole) {
        ScheduleView before = findForUpdate(id);
        caller.requireApp(before.app());
        Violations v = new Violations();
        if (r.app() != null && !r.app().equals(before.app())) {
            v.add("app", "cannot be changed; create the schedule for the other app");
        }
        if (r.name() != null) {
            name(v, r.name());
        }
        if (r.cron() != null && !r.cron().isBlank() && r.fixedRateMillis() != null) {
            v.add("cron", "give either cron or fixedRateMillis");
        }
        Row row = Row.of(before);
        boolean wasPaused = row.paused;
        if (r.name() != null) {
            row.name = r.name().strip();
        }
        if (whole) {
            row.description = null;
            row.key = null;
            row.startAt = null;
            row.endAt = null;
            row.maxCount = null;
        }
        apply(v, row, r);
        v.throwIfAny();
        checkEvent(row);
        if (!row.name.equals(before.name()) && exists(before.app(), row.name)) {
            throw new ConflictException("App '" + before.app() + "' already has a schedule named '" + row.name + "'", "name");
        }
        boolean timing = whole ? !java.util.Objects.equals(row.cron, before.cron())
                || !java.util.Objects.equals(row.fixedRateMs, before.fixedRateMillis()) || !row.timeZone.equals(before.timeZone())
                || !java.util.Objects.equals(row.startAt, before.startAt()) || !java.util.Objects.equals(row.endAt, before.endAt())
                || !java.util.Objects.equals(row.maxCount, before.maxCount()) || (wasPaused && !row.paused)
                : r.cron() != null || r.fixedRateMillis() != null || r.timeZone() != null || r.startAt() != null
                || r.endAt() != null || r.maxCount() != null || (wasPaused && !row.paused);
        if (row.paused) {
            row.nextFireAt = null;
        } else if (timing || row.nextFireAt == null) {
            // resumed or re-timed: go on from now; ticks missed while paused are not made up
            row.nextFireAt = ticks(row).next(Instant.now(), row.firedCount);
        }
        jdbc.update("UPDATE schedule SET name = ?, description = ?, cron = ?, fixed_rate_ms = ?, time_zone = ?, start_at = ?, end_at = ?,"
                        + " max_count = ?, topic = ?, event_type = ?, event_key = ?, payload = ?, content_type = ?, misfire_policy = ?,"
                        + " paused = ?, next_fire_at = ?, updated_at = now() WHERE id = ?",
                row.name, row.description, row.cron, row.fixedRateMs, row.timeZone, ts(row.startAt), ts(row.endAt), row.maxCount,
                row.topic, row.type, row.key, row.payload, row.contentType, row.misfirePolicy.name(), row.paused, ts(row.nextFireAt), id);
        ScheduleView after = find(id);
        auditor.record(caller, "update", "schedule", String.valueOf(id), before, after);
        return after;
    }

    public void delete(Caller caller, long id) {
        ScheduleView before = findForUpdate(id);
        caller.requireApp(before.app());
        jdbc.update("DELETE FROM schedule WHERE id = ?", id);
        auditor.record(caller, "delete", "schedule", String.valueOf(id), before, null);
    }

    private void apply(Violations v, Row row, ScheduleRequest r) {
        if (r.description() != null) {
            row.description = r.description().isBlank() ? null : r.description().strip();
            if (r.description().length() > 2000) {
                v.add("description", "must be at most 2000 characters");
            }
        }
        if (r.cron() != null && !r.cron().isBlank()) {
            try {
                Ticks.cron(r.cron());
                row.cron = r.cron().strip();
                row.fixedRateMs = null;
            } catch (IllegalArgumentException e) {
                v.add("cron", "is not a valid cron expression (second minute hour day month weekday, or five fields): " + e.getMessage());
            }
        }
        if (r.fixedRateMillis() != null) {
            if (r.fixedRateMillis() < 1000 || r.fixedRateMillis() > 366L * 24 * 3600 * 1000) {
                v.add("fixedRateMillis", "must be between 1000 (one second) and one year");
            } else {
                row.fixedRateMs = r.fixedRateMillis();
                row.cron = null;
            }
        }
        if (r.timeZone() != null) {
            try {
                row.timeZone = ZoneId.of(r.timeZone().strip()).getId();
            } catch (DateTimeException e) {
                v.add("timeZone", "is not a known time zone (e.g. Europe/Berlin, UTC)");
            }
        }
        if (r.startAt() != null) {
            row.startAt = r.startAt();
        }
        if (r.endAt() != null) {
            row.endAt = r.endAt();
        }
        if (row.startAt != null && row.endAt != null && !row.endAt.isAfter(row.startAt)) {
            v.add("endAt", "must be after startAt");
        }
        if (r.maxCount() != null) {
            if (r.maxCount() < 1) {
                v.add("maxCount", "must be at least 1");
            } else {
                row.maxCount = r.maxCount();
            }
        }
        if (r.topic() != null) {
            row.topic = r.topic().strip();
        }
        if (r.type() != null) {
            row.type = r.type().strip();
        }
        if (r.key() != null) {
            row.key = r.key().isEmpty() ? null : r.key();
            if (r.key().length() > 1000) {
                v.add("key", "must be at most 1000 characters");
            }
        }
        if (r.contentType() != null) {
            row.contentType = r.contentType().isBlank() ? "application/json" : r.contentType().strip();
        }
        if (r.payload() != null) {
            if (isJson(row.contentType)) {
                row.payload = r.payload().isNull() ? null : json.writeValueAsString(r.payload());
            } else if (r.payload().isString()) {
                row.payload = r.payload().asString();
            } else {
                v.add("payload", "must be a JSON string for content type '" + row.contentType + "'");
            }
        }
        if (r.misfirePolicy() != null) {
            try {
                row.misfirePolicy = MisfirePolicy.valueOf(r.misfirePolicy().strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                v.add("misfirePolicy", "must be FIRE_ONCE or SKIP");
            }
        }
        if (r.paused() != null) {
            row.paused = r.paused();
        }
    }

    /** The topic exists, the app may produce to it, the type is declared, the payload fits the schema. */
    private void checkEvent(Row row) {
        ProducerCatalog.Entry topic = catalog.fresh(row.topic);
        if (!topic.canProduce(row.app)) {
            throw new ForbiddenException("App '" + row.app + "' may not produce to topic '" + row.topic + "'");
        }
        ProducerCatalog.Type type = topic.types().get(row.type);
        if (type == null) {
            throw new ValidationException("type", "type '" + row.type + "' is not declared on topic '" + row.topic + "'");
        }
        if (type.schema() != null) {
            if (!isJson(row.contentType)) {
                throw new ValidationException("contentType", "must be JSON for a type with a JSON Schema");
            }
            try {
                List<String> violations = type.validate(ProducerCatalog.JSON.readTree(row.payload == null ? "null" : row.payload));
                if (!violations.isEmpty()) {
                    throw new ValidationException(violations.stream()
                            .map(m -> new ValidationException.FieldViolation("payload", "does not match the type's schema: " + m)).toList());
                }
            } catch (java.io.IOException e) {
                throw new ValidationException("payload", "is not valid JSON");
            }
        }
    }

    static boolean isJson(String contentType) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("application/json") || ct.contains("+json");
    }

    private static void name(Violations v, String name) {
        if (name == null || name.isBlank()) {
            v.add("name", "is required");
        } else if (!NAME.matcher(name.strip()).matches()) {
            v.add("name", "must start with a letter or digit and contain only letters, digits, spaces, '.', '_' and '-' (at most 200)");
        }
    }

    private boolean exists(String app, String name) {
        Integer n = jdbc.queryForObject("SELECT count(*)" + FROM + " WHERE a.name = ? AND s.name = ?", Integer.class, app, name);
        return n != null && n > 0;
    }

    private static void requireRead(Caller caller, ScheduleView view) {
        if (!caller.readOnly() && !caller.actsFor(view.app())) {
            throw new ForbiddenException("The caller may not read schedules of app '" + view.app() + "'");
        }
    }

    ScheduleView find(long id) {
        List<ScheduleView> rows = jdbc.query("SELECT " + COLUMNS + FROM + " WHERE s.id = ?", (rs, i) -> view(rs), id);
        if (rows.isEmpty()) {
            throw new NotFoundException("Schedule", String.valueOf(id));
        }
        return rows.get(0);
    }

    private ScheduleView findForUpdate(long id) {
        List<ScheduleView> rows = jdbc.query("SELECT " + COLUMNS + FROM + " WHERE s.id = ? FOR UPDATE OF s", (rs, i) -> view(rs), id);
        if (rows.isEmpty()) {
            throw new NotFoundException("Schedule", String.valueOf(id));
        }
        return rows.get(0);
    }

    static ScheduleView view(ResultSet rs) throws SQLException {
        String contentType = rs.getString(16);
        String payload = rs.getString(15);
        if (payload != null && !isJson(contentType)) {
            payload = quote(payload);
        }
        return new ScheduleView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                (Long) rs.getObject(6), rs.getString(7), instant(rs, 8), instant(rs, 9), (Long) rs.getObject(10), rs.getLong(11),
                rs.getString(12), rs.getString(13), rs.getString(14), payload, contentType, MisfirePolicy.valueOf(rs.getString(17)),
                rs.getBoolean(18), instant(rs, 19), instant(rs, 20), instant(rs, 21), instant(rs, 22), null);
    }

    private static String quote(String s) {
        return tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(s);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Ticks ticks(Row row) {
        return new Ticks(row.cron == null ? null : Ticks.cron(row.cron), row.fixedRateMs, ZoneId.of(row.timeZone),
                row.createdAt, row.startAt, row.endAt, row.maxCount);
    }

    /** A schedule's stored fields, mutable while a change is validated. */
    static final class Row {
        long id;
        String app;
        String name;
        String description;
        String cron;
        Long fixedRateMs;
        String timeZone;
        Instant startAt;
        Instant endAt;
        Long maxCount;
        long firedCount;
        String topic;
        String type;
        String key;
        String payload;
        String contentType;
        MisfirePolicy misfirePolicy;
        boolean paused;
        Instant nextFireAt;
        Instant createdAt;

        static Row of(ScheduleView v) {
            Row r = new Row();
            r.id = v.id();
            r.app = v.app();
            r.name = v.name();
            r.description = v.description();
            r.cron = v.cron();
            r.fixedRateMs = v.fixedRateMillis();
            r.timeZone = v.timeZone();
            r.startAt = v.startAt();
            r.endAt = v.endAt();
            r.maxCount = v.maxCount();
            r.firedCount = v.firedCount();
            r.topic = v.topic();
            r.type = v.type();
            r.key = v.key();
            r.payload = v.payload() != null && !isJson(v.contentType())
                    ? tools.jackson.databind.json.JsonMapper.shared().readValue(v.payload(), String.class) : v.payload();
            r.contentType = v.contentType();
            r.misfirePolicy = v.misfirePolicy();
            r.paused = v.paused();
            r.nextFireAt = v.nextFireAt();
            r.createdAt = v.createdAt();
            return r;
        }
    }
}
