package io.herald.server.push;

import io.herald.sdk.wire.Heartbeat;
import io.herald.server.common.Violations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** SDK instances seen by heartbeat. */
@Service
public class ClientInstances {

    private final JdbcTemplate jdbc;
    private final PushProperties props;
    private final HeartbeatWriter writer;

    ClientInstances(JdbcTemplate jdbc, PushProperties props, HeartbeatWriter writer) {
        this.jdbc = jdbc;
        this.props = props;
        this.writer = writer;
    }

    /**
     * An SDK instance as the API and console show it.
     *
     * @param stale          no heartbeat within {@code herald.push.stale-after}
     * @param upToDate       it runs the latest config version
     * @param transactionChecker it answers two-phase check-backs
     * @param applyErrorVersion the config version it could not apply (it runs on {@code appliedConfigVersion}); null if none
     * @param applyError        why, as its SDK reported it; null if none
     */
    public record Instance(String app, String instanceId, String host, String sdkVersion, long appliedConfigVersion,
                           Instant firstSeen, Instant lastSeen, boolean stale, boolean upToDate, boolean transactionChecker,
                           Long applyErrorVersion, String applyError) {
    }

    /**
     * Records a heartbeat (the caller checked that its app exists): a new instance or a changed field is
     * stored when this returns; a mere "still here" within {@code herald.push.heartbeat-flush}.
     */
    void record(Heartbeat hb) {
        Violations v = new Violations();
        if (hb.instanceId() == null || hb.instanceId().isBlank() || hb.instanceId().length() > 200) {
            v.add("instanceId", "is required (at most 200 characters)");
        }
        if (hb.host() != null && hb.host().length() > 255) {
            v.add("host", "must be at most 255 characters");
        }
        if (hb.sdkVersion() != null && hb.sdkVersion().length() > 50) {
            v.add("sdkVersion", "must be at most 50 characters");
        }
        if (hb.appliedConfigVersion() < 0) {
            v.add("appliedConfigVersion", "must be 0 or more");
        }
        if (hb.applyErrorVersion() != null && hb.applyErrorVersion() < 0) {
            v.add("applyErrorVersion", "must be 0 or more");
        }
        if (hb.applyError() != null && hb.applyError().length() > Heartbeat.MAX_APPLY_ERROR) {
            v.add("applyError", "must be at most " + Heartbeat.MAX_APPLY_ERROR + " characters");
        }
        if (hb.applyError() != null && hb.applyError().indexOf('\0') >= 0) {
            v.add("applyError", "must not contain NUL characters");
        }
        if (hb.applyErrorVersion() != null && (hb.applyError() == null || hb.applyError().isBlank())) {
            v.add("applyError", "is required with applyErrorVersion");
        }
        v.throwIfAny();
        writer.record(hb);
    }

    /** Instances of one app, or of every app when {@code app} is null; newest heartbeat first. */
    public List<Instance> list(String app) {
        Instant staleBefore = Instant.now().minus(props.staleAfter());
        return jdbc.query("SELECT a.name, c.instance_id, c.host, c.sdk_version, c.applied_version, c.first_seen, c.last_seen,"
                        + " coalesce(v.version, 0), c.tx_checker, c.apply_error_version, c.apply_error"
                        + " FROM client_instance c JOIN app a ON a.id = c.app_id LEFT JOIN app_config_version v ON v.app_id = c.app_id"
                        + " WHERE (? IS NULL OR a.name = ?)"
                        + " ORDER BY c.last_seen DESC",
                (rs, i) -> {
                    Instant last = rs.getTimestamp(7).toInstant();
                    long errorVersion = rs.getLong(10);
                    Long applyErrorVersion = rs.wasNull() ? null : errorVersion;
                    return new Instance(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getTimestamp(6).toInstant(), last, last.isBefore(staleBefore), rs.getLong(5) >= rs.getLong(8),
                            rs.getBoolean(9), applyErrorVersion, rs.getString(11));
                }, app, app);
    }

    /**
     * The apps among {@code apps} none of whose online instances (heartbeat within
     * {@code herald.push.stale-after}) answers two-phase check-backs.
     */
    public java.util.Set<String> withoutTransactionChecker(java.util.Collection<String> apps) {
        java.util.Set<String> without = new java.util.HashSet<>(apps);
        if (apps.isEmpty()) {
            return without;
        }
        without.removeAll(jdbc.queryForList("SELECT DISTINCT a.name FROM client_instance c JOIN app a ON a.id = c.app_id"
                + " WHERE c.tx_checker AND c.last_seen >= now() - make_interval(secs => ?)", String.class,
                props.staleAfter().toMillis() / 1000.0));
        return without;
    }

    /**
     * The apps among {@code apps} with at least one live instance (heartbeat within
     * {@code herald.push.stale-after}); a closed SDK deregisters and is gone at once.
     */
    public java.util.Set<String> live(java.util.Collection<String> apps) {
        if (apps.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT DISTINCT a.name FROM client_instance c JOIN app a ON a.id = c.app_id"
                    + " WHERE a.name = ANY(?) AND c.last_seen >= now() - make_interval(secs => ?)");
            ps.setArray(1, con.createArrayOf("varchar", apps.toArray()));
            ps.setDouble(2, props.staleAfter().toMillis() / 1000.0);
            return ps;
        }, (rs, i) -> rs.getString(1)));
    }

    /** Online instances (heartbeat within {@code herald.push.stale-after}) that report a config they could not apply, by app. */
    public java.util.Map<String, Long> applyErrors() {
        java.util.Map<String, Long> byApp = new java.util.HashMap<>();
        jdbc.query("SELECT a.name, count(c.apply_error) FILTER (WHERE c.last_seen >= now() - make_interval(secs => ?))"
                        + " FROM app a LEFT JOIN client_instance c ON c.app_id = a.id GROUP BY a.name",
                rs -> {
                    byApp.put(rs.getString(1), rs.getLong(2));
                }, props.staleAfter().toMillis() / 1000.0);
        return byApp;
    }

    /** How long an instance may go without heartbeat before it is stale ({@code herald.push.stale-after}). */
    public Duration staleAfter() {
        return props.staleAfter();
    }

    /**
     * Removes one instance (its SDK closed).
     *
     * @return whether it was registered
     */
    boolean deregister(String app, String instanceId) {
        writer.forget(app, instanceId);
        return jdbc.update("DELETE FROM client_instance c USING app a WHERE a.id = c.app_id AND a.name = ? AND c.instance_id = ?",
                app, instanceId) > 0;
    }

    /** Forgets instances silent for longer than {@code age}. */
    public int forget(Duration age) {
        return jdbc.update("DELETE FROM client_instance WHERE last_seen < now() - make_interval(secs => ?)",
                age.toMillis() / 1000.0);
    }
}
