package io.herald.server.database;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Knows whether PostgreSQL answers: every {@code herald.database.probe-interval} a validation query
 * runs on the probe's own connection (not one of the pool's, which may all be waiting on a dead
 * socket) and must answer within {@code herald.database.probe-timeout}. While it does not, the pool
 * hands out no connection ({@link GuardedDataSource}: database-backed requests are answered 503 at
 * once instead of after the pool's connection timeout), readiness is DOWN and
 * {@code herald_database_up} is 0. An outage is logged once when it starts and once when it ends,
 * and counted in {@code herald_database_outages_total}; recovery needs no restart.
 */
@Component
public class DatabaseProbe implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DatabaseProbe.class);
    static final String VALIDATION_QUERY = "SELECT 1";

    private final DatabaseProperties props;
    private final DataSource dataSource;
    private final Counter outages;
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private volatile boolean up = true;
    private volatile String reason;
    private volatile long downSinceNanos;
    private volatile ScheduledExecutorService executor;
    private Connection connection;
    /** The pool's own minimum of idle connections while the outage has it at 0, else -1. */
    private int minimumIdle = -1;

    DatabaseProbe(DatabaseProperties props, DataSource dataSource, MeterRegistry meters) {
        this.props = props;
        this.dataSource = dataSource;
        this.outages = Counter.builder("herald.database.outages")
                .description("Times PostgreSQL stopped answering the server's probe").register(meters);
        Gauge.builder("herald.database.up", this, p -> p.up ? 1 : 0)
                .description("1 while PostgreSQL answers the server's probe, 0 while it does not").register(meters);
    }

    /** Whether PostgreSQL answered the last probe. */
    public boolean up() {
        return up;
    }

    /** Why the last probe failed (no exception class), or null while up. */
    public String reason() {
        return up ? null : reason;
    }

    /** Probes now rather than at the next interval (a request saw a connection fail). */
    public void checkSoon() {
        ScheduledExecutorService e = executor;
        if (e != null && checkQueued.compareAndSet(false, true)) {
            try {
                e.execute(() -> {
                    checkQueued.set(false);
                    check();
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                checkQueued.set(false);
            }
        }
    }

    void check() {
        String failure;
        try {
            if (connection == null || connection.isClosed()) {
                connection = open();
            }
            try (Statement s = connection.createStatement()) {
                s.execute(VALIDATION_QUERY);
            }
            failure = null;
        } catch (SQLException | RuntimeException e) {
            failure = describe(e);
            closeConnection();
        }
        if (failure == null) {
            if (!up) {
                long ms = (System.nanoTime() - downSinceNanos) / 1_000_000;
                up = true;
                refillPool();
                log.info("PostgreSQL answers again after {} ms: database-backed requests are served again", ms);
            }
        } else if (up) {
            reason = failure;
            downSinceNanos = System.nanoTime();
            up = false;
            outages.increment();
            drainPool();
            log.warn("PostgreSQL does not answer ({}): database-backed requests are answered 503 and readiness is DOWN "
                    + "until it does; HTTP ingestion goes on with the API keys and topics already known", failure);
        } else {
            reason = failure;
        }
    }

    private Connection open() throws SQLException {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        Properties p = new Properties();
        p.putAll(hikari.getDataSourceProperties());
        if (hikari.getUsername() != null) {
            p.setProperty("user", hikari.getUsername());
        }
        if (hikari.getPassword() != null) {
            p.setProperty("password", hikari.getPassword());
        }
        // pgjdbc counts these in whole seconds
        String seconds = Long.toString(Math.max(1, (props.probeTimeout().toMillis() + 999) / 1000));
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        p.setProperty("ApplicationName", "herald database probe");
        Connection c = DriverManager.getConnection(hikari.getJdbcUrl(), p);
        c.setNetworkTimeout(Runnable::run, (int) props.probeTimeout().toMillis());
        return c;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    /**
     * The pool's connections (broken now) are closed, and the pool stops opening new ones while the
     * outage lasts: Hikari retries with a back-off of up to 5 s, which would keep the first requests
     * after the outage waiting for a connection nobody tries to open.
     */
    private void drainPool() {
        try {
            HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
            if (minimumIdle < 0) {
                minimumIdle = hikari.getMinimumIdle();
            }
            hikari.setMinimumIdle(0);
            if (hikari.getHikariPoolMXBean() != null) {
                hikari.getHikariPoolMXBean().softEvictConnections();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Could not drain the pool: {}", e.toString());
        }
    }

    /** The pool fills again at once: connections kept from before the outage are replaced, one is opened now. */
    private void refillPool() {
        try {
            HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
            if (minimumIdle >= 0) {
                hikari.setMinimumIdle(minimumIdle);
                minimumIdle = -1;
            }
            if (hikari.getHikariPoolMXBean() != null) {
                hikari.getHikariPoolMXBean().softEvictConnections();
            }
            try (Connection c = hikari.getConnection()) {
                c.isValid(1);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Could not refill the pool: {}", e.toString());
        }
    }

    /** The failure in words, without exception class names (it is shown in health details). */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "no answer";
        }
        message = message.replaceAll("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*", "").strip();
        int end = message.indexOf('\n');
        return end > 0 ? message.substring(0, end) : message;
    }

    @Override
    public void start() {
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-database-probe");
            t.setDaemon(true);
            return t;
        });
        executor = e;
        try {
            if (dataSource.isWrapperFor(GuardedDataSource.class)) {
                dataSource.unwrap(GuardedDataSource.class).watchedBy(this);
            }
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
        long interval = props.probeInterval().toMillis();
        e.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService e = executor;
        executor = null;
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        closeConnection();
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // stops after the web server and the workers, which may still ask
        return Integer.MAX_VALUE - 1;
    }
}
