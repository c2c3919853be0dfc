package io.herald.server.database;

import io.herald.server.common.DatabaseUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The connection pool as the rest of the server sees it: while {@link DatabaseProbe} says PostgreSQL
 * is down, asking for a connection throws {@link DatabaseUnavailableException} at once, instead of
 * every request waiting out the pool's connection timeout for a database that is known to be gone.
 * A connection the pool cannot give while the probe still says up makes the probe look again now.
 */
final class GuardedDataSource extends DelegatingDataSource {

    /** Set once the probe runs (Flyway's migrations at start-up come before it). */
    private volatile DatabaseProbe probe;

    GuardedDataSource(DataSource pool) {
        super(pool);
    }

    void watchedBy(DatabaseProbe probe) {
        this.probe = probe;
    }

    @Override
    public Connection getConnection() throws SQLException {
        DatabaseProbe p = probe;
        refuseWhileDown(p);
        try {
            return super.getConnection();
        } catch (SQLException e) {
            noticed(p, e);
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        DatabaseProbe p = probe;
        refuseWhileDown(p);
        try {
            return super.getConnection(username, password);
        } catch (SQLException e) {
            noticed(p, e);
            throw e;
        }
    }

    private static void refuseWhileDown(DatabaseProbe p) {
        if (p != null && !p.up()) {
            throw new DatabaseUnavailableException(DatabaseUnavailableException.DETAIL);
        }
    }

    private static void noticed(DatabaseProbe p, SQLException e) {
        if (p != null && DatabaseUnavailableException.in(e).isPresent()) {
            p.checkSoon();
        }
    }
}
