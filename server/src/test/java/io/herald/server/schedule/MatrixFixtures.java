package io.herald.server.schedule;

import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Rows the authorization matrix needs before it can address them (a delayed event, a schedule of
 * an app), written straight into the test database: the matrix's path functions have no API client.
 */
public final class MatrixFixtures {

    private MatrixFixtures() {
    }

    /** A delayed event of the app, due in an hour; returns its id. */
    public static String delayed(String app, String topic) {
        String id = "mx-" + UUID.randomUUID();
        update("INSERT INTO delayed_event (id, due_at, topic, app, message_id, event_type, headers)"
                + " VALUES (?, now() + interval '1 hour', ?, ?, ?, 't1', '\\x00000000'::bytea)", id, topic, app, id);
        return id;
    }

    /** An SDK instance of the app that has just sent its heartbeat; returns its id. */
    public static String instance(String app) {
        String id = "mx-" + UUID.randomUUID();
        update("INSERT INTO client_instance (app_id, instance_id, host, sdk_version, applied_version)"
                + " SELECT id, ?, 'h', '1', 0 FROM app WHERE name = ?", id, app);
        return id;
    }

    /** A paused hourly schedule of the app publishing type t1 to the topic; returns its id. */
    public static long schedule(String app, String topic) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO schedule (app_id, name, cron, topic,"
                + " event_type, paused) VALUES ((SELECT id FROM app WHERE name = ?), ?, '0 0 * * * *', ?, 't1', true) RETURNING id")) {
            ps.setString(1, app);
            ps.setString(2, "mx-" + UUID.randomUUID());
            ps.setString(3, topic);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
    }
}
