package io.herald.server.common;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * PostgreSQL cannot be reached: nothing was read or changed (503, with {@code Retry-After}). Thrown
 * at once by the connection pool while the database probe says the database is down, and found
 * by {@link #in(Throwable)} behind whatever a connection failure was wrapped in on its way up.
 */
public class DatabaseUnavailableException extends HeraldException {

    /** Seconds a caller is asked to wait before trying again. */
    public static final int RETRY_AFTER_SECONDS = 2;

    public DatabaseUnavailableException(String message) {
        super(message, null);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.SERVICE_UNAVAILABLE;
    }

    @Override
    public String title() {
        return "Database unavailable";
    }

    /**
     * The outage behind {@code e}: this exception anywhere in its causes, or a failure to reach
     * PostgreSQL (no connection from the pool in time, a connection refused or broken, the server
     * shutting down), else empty. Any other database error (a constraint, bad SQL) is not an outage.
     */
    public static Optional<DatabaseUnavailableException> in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DatabaseUnavailableException d) {
                return Optional.of(d);
            }
            if (t instanceof SQLException s && connectionLost(s)) {
                return Optional.of(new DatabaseUnavailableException(DETAIL, e));
            }
        }
        return Optional.empty();
    }

    /** Set on a console request answered with the "database unavailable" page, for the error page to tell. */
    public static final String REQUEST_ATTRIBUTE = DatabaseUnavailableException.class.getName();

    /**
     * The level a retrying worker logs its failure at: DEBUG when it is a database outage (the
     * database probe logs that once, when it starts and when it ends), else WARN.
     */
    public static org.slf4j.event.Level logLevel(Throwable e) {
        return in(e).isPresent() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.WARN;
    }

    /** What a caller is told. */
    public static final String DETAIL = "PostgreSQL cannot be reached; nothing was read or changed. Try again in a moment.";

    private static boolean connectionLost(SQLException s) {
        String state = s.getSQLState();
        return s instanceof SQLTransientConnectionException || s instanceof SQLNonTransientConnectionException
                || s instanceof SQLRecoverableException
                // 08: connection exception; 57P01..57P03: the server is shutting down or not accepting connections
                || state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }
}
