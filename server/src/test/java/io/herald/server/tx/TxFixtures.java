package io.herald.server.tx;

import io.herald.server.support.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** A pending two-phase message written straight into the test database, for the authorization matrix. */
public final class TxFixtures {

    private TxFixtures() {
    }

    /** A pending message of the app with its next check an hour away; returns its id. */
    public static String pending(String app, String topic) {
        String id = "mx-" + UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
             PreparedStatement ps = c.prepareStatement("INSERT INTO tx_message (message_id, app, topic, event_type, payload,"
                     + " headers, half_seen, state, next_check_at) VALUES (?, ?, ?, 't1', 'x'::bytea, '\\x00000000'::bytea, true,"
                     + " 'PENDING', now() + interval '1 hour')")) {
            ps.setString(1, id);
            ps.setString(2, app);
            ps.setString(3, topic);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }
}
