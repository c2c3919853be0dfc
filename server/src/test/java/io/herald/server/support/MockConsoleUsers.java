package io.herald.server.support;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * A MockMvc request signed in as a console user that exists in the database with that role and
 * permission: the console re-reads the signed-in user on every request (a user missing from the
 * database is signed out), so a mock user is written there first.
 */
public final class MockConsoleUsers {

    private static final Map<String, String> SEEDED = new ConcurrentHashMap<>();

    private MockConsoleUsers() {
    }

    public static RequestPostProcessor signedIn(String username, String role, boolean messageView) {
        seed(username, role, messageView);
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + role));
        if (messageView) {
            authorities.add(new SimpleGrantedAuthority("MESSAGE_VIEW"));
        }
        return user(username).authorities(authorities);
    }

    private static void seed(String username, String role, boolean messageView) {
        String state = role + "/" + messageView;
        if (state.equals(SEEDED.get(username))) {
            return;
        }
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword());
             PreparedStatement s = c.prepareStatement("INSERT INTO console_user (username, password_hash, role, message_view)"
                     + " VALUES (?, ?, ?, ?) ON CONFLICT (username) DO UPDATE"
                     + " SET role = excluded.role, message_view = excluded.message_view, enabled = true")) {
            s.setString(1, username);
            s.setString(2, "{noop}" + UUID.randomUUID());
            s.setString(3, role);
            s.setBoolean(4, messageView);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write console user " + username + ": " + e.getMessage(), e);
        }
        SEEDED.put(username, state);
    }
}
