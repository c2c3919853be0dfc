package io.herald.server.push;

import io.herald.server.catalog.ConfigVersions;
import io.herald.server.catalog.HeardVersion;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Follows every app's config version on this server instance. A change committed through any
 * instance arrives here by PostgreSQL {@code LISTEN/NOTIFY} within milliseconds, naming the apps it
 * gave a new version ({@link ConfigVersions}); only those apps' listeners are told. A periodic re-read
 * of all versions ({@code herald.push.version-check}) covers notifications lost while the listening
 * connection was down. Every change heard, and whether it is connected, it reports to
 * {@link HeardVersion} for the caches that must not outlive a change.
 */
@Component
class VersionWatcher {

    private static final Logger log = LoggerFactory.getLogger(VersionWatcher.class);

    private final DataSource dataSource;
    private final ConfigVersions versions;
    private final PushProperties props;
    private final HeardVersion heard;
    private final Map<String, Long> latest = new ConcurrentHashMap<>();
    private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private Thread thread;

    VersionWatcher(DataSource dataSource, ConfigVersions versions, PushProperties props, HeardVersion heard) {
        this.dataSource = dataSource;
        this.heard = heard;
        this.versions = versions;
        this.props = props;
    }

    @PostConstruct
    void start() {
        latest.putAll(versions.current());
        thread = new Thread(this::loop, "herald-config-listen");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        heard.listening(false);
        thread.interrupt();
        thread.join(2000);
    }

    /** The newest version of {@code app} heard (0 for an app not heard of). */
    long latest(String app) {
        return latest.getOrDefault(app, 0L);
    }

    /** {@code listener} gets the apps whose version moved, each time some did. */
    void onChange(Consumer<Set<String>> listener) {
        listeners.add(listener);
    }

    private void loop() {
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + ConfigVersions.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                // read on the listening connection itself, after LISTEN: nothing committed later goes unheard
                advance(readVersions(c));
                heard.listening(true);
                long every = props.versionCheck().toMillis();
                long nextCheck = System.currentTimeMillis() + every;
                while (running) {
                    int wait = (int) Math.max(1, Math.min(nextCheck - System.currentTimeMillis(), Integer.MAX_VALUE));
                    PGNotification[] notes = pg.getNotifications(wait);
                    if (notes != null && notes.length > 0) {
                        Map<String, Long> heardNow = new HashMap<>();
                        boolean all = false;
                        for (PGNotification n : notes) {
                            heard.changed();
                            all |= parse(n.getParameter(), heardNow);
                        }
                        advance(all ? readVersions(c) : heardNow);
                    }
                    if (System.currentTimeMillis() >= nextCheck) {
                        advance(readVersions(c));
                        nextCheck = System.currentTimeMillis() + every;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                heard.listening(false);
                if (running) {
                    log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Config change listener lost its database connection ({}); reconnecting", e.getMessage());
                    sleepQuietly(1000);
                }
            }
        }
    }

    /**
     * Reads a payload of {@code app=version} pairs into {@code into}.
     *
     * @return whether it asks for every version to be re-read ({@code *})
     */
    static boolean parse(String payload, Map<String, Long> into) {
        if (payload == null || payload.isBlank()) {
            return false;
        }
        if (payload.equals("*")) {
            return true;
        }
        for (String pair : payload.split(" ")) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0) {
                return true; // not ours to understand: read everything
            }
            try {
                into.merge(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)), Math::max);
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Long> readVersions(Connection c) throws SQLException {
        Map<String, Long> all = new HashMap<>();
        try (Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT a.name, v.version FROM app_config_version v JOIN app a ON a.id = v.app_id")) {
            while (rs.next()) {
                all.put(rs.getString(1), rs.getLong(2));
            }
        }
        return all;
    }

    private void advance(Map<String, Long> versionsNow) {
        Set<String> moved = new HashSet<>();
        versionsNow.forEach((app, version) -> latest.compute(app, (k, was) -> {
            if (was == null || version > was) {
                moved.add(app);
                return version;
            }
            return was;
        }));
        if (moved.isEmpty()) {
            return;
        }
        for (Consumer<Set<String>> l : listeners) {
            try {
                l.accept(moved);
            } catch (RuntimeException e) {
                log.warn("Config change listener failed", e);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
