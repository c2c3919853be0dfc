package io.herald.server.push;

import io.herald.server.catalog.ConfigVersions;
import io.herald.server.catalog.HeardVersion;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Follows the catalog's config version on this server instance. A change committed through any
 * instance arrives here by PostgreSQL {@code LISTEN/NOTIFY} within milliseconds; a periodic re-read
 * covers notifications lost while the listening connection was down. What it hears, and whether it
 * is connected, it reports to {@link HeardVersion} for the caches that must not outlive a change.
 */
@Component
class VersionWatcher {

    private static final Logger log = LoggerFactory.getLogger(VersionWatcher.class);

    private final DataSource dataSource;
    private final ConfigVersions versions;
    private final PushProperties props;
    private final HeardVersion heard;
    private final AtomicLong latest = new AtomicLong();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
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
        latest.set(versions.current());
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

    long latest() {
        return latest.get();
    }

    void onChange(LongConsumer listener) {
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
                advance(readVersion(c));
                heard.listening(true);
                while (running) {
                    PGNotification[] notes = pg.getNotifications((int) props.versionCheck().toMillis());
                    long max = -1;
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            max = Math.max(max, Long.parseLong(n.getParameter()));
                        }
                    }
                    if (max < 0) {
                        max = readVersion(c);
                    }
                    advance(max);
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

    private static long readVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT version FROM config_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void advance(long version) {
        heard.heard(version);
        long previous = latest.getAndAccumulate(version, Math::max);
        if (version > previous) {
            for (LongConsumer l : listeners) {
                try {
                    l.accept(version);
                } catch (RuntimeException e) {
                    log.warn("Config change listener failed", e);
                }
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
