package io.herald.server.console;

import io.herald.server.catalog.ConfigVersions;
import io.herald.server.push.ClientInstances;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Read-only figures for the dashboard and the SDK-instances page, straight from PostgreSQL: counts
 * are one query instead of loading every object, and client instances are written by the SDK
 * heartbeat, not by the catalog services.
 */
@Component
class ConsoleStats {

    private final JdbcTemplate jdbc;
    private final ConfigVersions versions;
    private final ClientInstances clientInstances;

    ConsoleStats(JdbcTemplate jdbc, ConfigVersions versions, ClientInstances clientInstances) {
        this.jdbc = jdbc;
        this.versions = versions;
        this.clientInstances = clientInstances;
    }

    /** Which instances a list shows: online ones by default. */
    enum InstanceFilter {
        ONLINE, STALE, ALL;

        /** The filter a request parameter names; online when absent or unknown. */
        static InstanceFilter of(String status) {
            if (status == null) {
                return ONLINE;
            }
            for (InstanceFilter f : values()) {
                if (f.name().equalsIgnoreCase(status.strip())) {
                    return f;
                }
            }
            return ONLINE;
        }

        String param() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An instance without heartbeat for this long is stale ({@code herald.push.stale-after}). */
    Duration staleAfter() {
        return clientInstances.staleAfter();
    }

    record Counts(long apps, long topics, long bindings, long pausedBindings, long processors, long users) {
    }

    record TopicRef(String name, int partitions) {
    }

    /**
     * One SDK instance.
     *
     * @param current           it applied its app's latest config version ({@code latestVersion})
     * @param applyErrorVersion the config version it could not apply (it runs on {@code appliedVersion}), or null
     * @param applyError        why, as the SDK reported it, or null
     */
    record Instance(String app, String instanceId, String host, String sdkVersion, long appliedVersion,
                    Instant firstSeen, Instant lastSeen, boolean stale, boolean current, long latestVersion,
                    Long applyErrorVersion, String applyError) {
    }

    /** @param applyErrors online instances that report a config snapshot they could not apply */
    record InstanceSummary(long online, long onlineCurrent, long stale, long latestVersion, long applyErrors) {
        public long behind() {
            return online - onlineCurrent;
        }
    }

    Counts counts() {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM app), (SELECT count(*) FROM topic),"
                        + " (SELECT count(*) FROM binding), (SELECT count(*) FROM binding WHERE paused),"
                        + " (SELECT count(*) FROM processor), (SELECT count(*) FROM console_user)",
                (rs, i) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
    }

    List<TopicRef> topics() {
        return jdbc.query("SELECT name, partitions FROM topic ORDER BY name", (rs, i) -> new TopicRef(rs.getString(1), rs.getInt(2)));
    }

    /** The app's config version, or the highest of any app when {@code app} is null. */
    long latestVersion(String app) {
        return app == null ? versions.highest() : versions.current(app);
    }

    /** Instances of one app, or of every app when {@code app} is null, that pass the filter; newest first. */
    List<Instance> instances(String app, InstanceFilter filter) {
        Instant staleBefore = Instant.now().minus(staleAfter());
        Timestamp before = Timestamp.from(staleBefore);
        return jdbc.query("SELECT a.name, c.instance_id, c.host, c.sdk_version, c.applied_version, c.first_seen, c.last_seen,"
                        + " coalesce(v.version, 0), c.apply_error_version, c.apply_error"
                        + " FROM client_instance c JOIN app a ON a.id = c.app_id LEFT JOIN app_config_version v ON v.app_id = c.app_id"
                        + " WHERE (?::text IS NULL OR a.name = ?)"
                        + " AND (?::text = 'ALL' OR (?::text = 'ONLINE') = (c.last_seen >= ?))"
                        + " ORDER BY a.name, c.last_seen DESC, c.instance_id LIMIT 2000",
                (rs, i) -> {
                    Instant lastSeen = rs.getTimestamp(7).toInstant();
                    long applied = rs.getLong(5);
                    long latest = rs.getLong(8);
                    long errorVersion = rs.getLong(9);
                    return new Instance(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), applied,
                            rs.getTimestamp(6).toInstant(), lastSeen, lastSeen.isBefore(staleBefore), applied >= latest, latest,
                            rs.wasNull() ? null : errorVersion, rs.getString(10));
                }, app, app, filter.name(), filter.name(), before);
    }

    /** Online and stale instances, of one app or of every app when {@code app} is null. */
    InstanceSummary instanceSummary(String app) {
        long latest = latestVersion(app);
        Timestamp staleBefore = Timestamp.from(Instant.now().minus(staleAfter()));
        return jdbc.queryForObject("SELECT count(*) FILTER (WHERE c.last_seen >= ?),"
                        + " count(*) FILTER (WHERE c.last_seen >= ? AND c.applied_version >= coalesce(v.version, 0)),"
                        + " count(*) FILTER (WHERE c.last_seen < ?),"
                        + " count(*) FILTER (WHERE c.last_seen >= ? AND c.apply_error IS NOT NULL)"
                        + " FROM client_instance c JOIN app a ON a.id = c.app_id LEFT JOIN app_config_version v ON v.app_id = c.app_id"
                        + " WHERE (?::text IS NULL OR a.name = ?)",
                (rs, i) -> new InstanceSummary(rs.getLong(1), rs.getLong(2), rs.getLong(3), latest, rs.getLong(4)),
                staleBefore, staleBefore, staleBefore, staleBefore, app, app);
    }
}
