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

    /** A discarded message of the app (its payload kept); returns its id. */
    public static String discarded(String app, String topic) {
        String id = pending(app, topic);
        discard(id);
        return id;
    }

    /** Marks a pending message as checked while its producer was away for five minutes. */
    public static void away(String id, int awayChecks) {
        update("UPDATE tx_message SET away_since = now() - interval '5 minutes', away_checks = ? WHERE message_id = ?", awayChecks, id);
    }

    /** Discards a pending message as the check-back worker does after its last check (payload kept). */
    public static void discard(String id) {
        update("UPDATE tx_message SET state = 'DISCARDED', decided_at = now(), decided_by = 'discarded after 15 checks', checks = 15"
                + " WHERE message_id = ?", id);
    }

    private static void update(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
