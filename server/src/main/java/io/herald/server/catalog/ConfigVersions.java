package io.herald.server.catalog;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The catalog's config versions, one per app (table {@code app_config_version}). A change names what
 * it touches ({@link #topicChanged}, {@link #appChanged}); the apps whose snapshot that is part of are
 * collected for the transaction and, just before it commits, get a new version each (drawn from a
 * sequence, so it only grows) and are announced to every server instance by PostgreSQL
 * {@code NOTIFY} (delivered at commit), which then answers the SDK long-polls of those apps only.
 * A change that is part of no app's snapshot (API keys, an app's owner) still notifies, without apps,
 * so that caches of catalog data ({@link HeardVersion}) drop what they hold.
 *
 * <p>Notification payload: space-separated {@code app=version} pairs, or {@code *} ("re-read every
 * app's version") when they would not fit PostgreSQL's 8000-byte limit; empty for a change of no app.
 */
@Service
public class ConfigVersions {

    public static final String CHANNEL = "herald_config";
    /** Payloads longer than this announce {@code *} instead (PostgreSQL refuses more than 8000 bytes). */
    static final int MAX_PAYLOAD = 7000;

    private final JdbcTemplate jdbc;

    @PersistenceContext
    private EntityManager entityManager;

    ConfigVersions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The topic's snapshot content changed (or is about to: call it before and after a change of who
     * produces or consumes it): every app that produces it, owns it or has a binding on it as the
     * catalog stands now gets a new version when the transaction commits.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void topicChanged(long topicId) {
        flush();
        pending().apps.addAll(jdbc.queryForList("SELECT app_id FROM topic WHERE id = ?"
                + " UNION SELECT app_id FROM topic_producer WHERE topic_id = ?"
                + " UNION SELECT app_id FROM binding WHERE topic_id = ?", Long.class, topicId, topicId, topicId));
    }

    /** The app's own snapshot changed (its binding, a processor of its binding): it gets a new version at commit. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void appChanged(long appId) {
        pending().apps.add(appId);
    }

    /** A new app: its version row, above every version issued so far. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void appCreated(long appId) {
        flush();
        jdbc.update("INSERT INTO app_config_version (app_id, version) VALUES (?, nextval('config_version_seq'))", appId);
        pending().apps.add(appId); // so that every server instance hears of the new app's version
    }

    /** A change that is part of no app's snapshot but may be cached (API keys, an app's details): notifies without apps. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void catalogChanged() {
        pending();
    }

    /** Every app's current version, by name. */
    public Map<String, Long> current() {
        Map<String, Long> all = new java.util.HashMap<>();
        jdbc.query("SELECT a.name, v.version FROM app_config_version v JOIN app a ON a.id = v.app_id",
                rs -> {
                    all.put(rs.getString(1), rs.getLong(2));
                });
        return all;
    }

    /** The app's current version (0 for an unknown app). */
    public long current(String app) {
        List<Long> v = jdbc.queryForList("SELECT v.version FROM app_config_version v JOIN app a ON a.id = v.app_id"
                + " WHERE a.name = ?", Long.class, app);
        return v.isEmpty() ? 0 : v.get(0);
    }

    /** The highest version of any app (the {@code herald_config_version} gauge). */
    public long highest() {
        Long v = jdbc.queryForObject("SELECT coalesce(max(version), 0) FROM app_config_version", Long.class);
        return v == null ? 0 : v;
    }

    private void flush() {
        if (entityManager != null && TransactionSynchronizationManager.isActualTransactionActive()) {
            entityManager.flush();
        }
    }

    private Pending pending() {
        Pending p = (Pending) TransactionSynchronizationManager.getResource(this);
        if (p == null) {
            p = new Pending();
            TransactionSynchronizationManager.bindResource(this, p);
            Pending bound = p;
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    publish(bound);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(ConfigVersions.this);
                }
            });
        }
        return p;
    }

    private void publish(Pending p) {
        flush();
        List<String> pairs = new ArrayList<>();
        if (!p.apps.isEmpty()) {
            // in id order, so that two changes touching the same apps cannot deadlock
            for (Long appId : p.apps) {
                // an upsert: an app made without appCreated (SQL) gets its row now
                jdbc.query("WITH up AS (INSERT INTO app_config_version (app_id, version)"
                                + " SELECT id, nextval('config_version_seq') FROM app WHERE id = ?"
                                + " ON CONFLICT (app_id) DO UPDATE SET version = GREATEST(app_config_version.version + 1, excluded.version)"
                                + " RETURNING app_id, version)"
                                + " SELECT a.name, up.version FROM up JOIN app a ON a.id = up.app_id",
                        rs -> {
                            pairs.add(rs.getString(1) + "=" + rs.getLong(2));
                        }, appId);
            }
        }
        String payload = String.join(" ", pairs);
        if (payload.length() > MAX_PAYLOAD) {
            payload = "*";
        }
        jdbc.queryForObject("SELECT pg_notify(?, ?)", Object.class, CHANNEL, payload);
    }

    /** What the transaction changed so far. */
    private static final class Pending {
        final TreeSet<Long> apps = new TreeSet<>();
    }
}
