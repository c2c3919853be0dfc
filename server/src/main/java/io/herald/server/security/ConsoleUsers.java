package io.herald.server.security;

import java.io.PrintStream;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Console users in PostgreSQL with a role (ADMIN, EDITOR, VIEWER) and the message-view permission.
 * Passwords are stored with the delegating encoder (bcrypt).
 */
@Service
public class ConsoleUsers implements UserDetailsService {

    /** Authority of users allowed to see message payloads. */
    public static final String MESSAGE_VIEW = "MESSAGE_VIEW";

    private final JdbcTemplate jdbc;
    private final PasswordEncoder encoder;
    private final LoginThrottle throttle;

    ConsoleUsers(JdbcTemplate jdbc, PasswordEncoder encoder, LoginThrottle throttle) {
        this.jdbc = jdbc;
        this.encoder = encoder;
        this.throttle = throttle;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        List<UserDetails> users = jdbc.query("SELECT username, password_hash, role, message_view, enabled FROM console_user WHERE username = ?",
                (rs, i) -> User.withUsername(rs.getString(1)).password(rs.getString(2))
                        .authorities(authorities(rs.getString(3), rs.getBoolean(4))).disabled(!rs.getBoolean(5)).build(),
                username);
        if (users.isEmpty()) {
            throw new UsernameNotFoundException("No console user " + username);
        }
        return users.get(0);
    }

    /** The authorities of a role and the message-view permission: {@code ROLE_<role>} and {@link #MESSAGE_VIEW}. */
    static List<GrantedAuthority> authorities(String role, boolean messageView) {
        return messageView ? List.of(new SimpleGrantedAuthority("ROLE_" + role), new SimpleGrantedAuthority(MESSAGE_VIEW))
                : List.of(new SimpleGrantedAuthority("ROLE_" + role));
    }

    /** A console user as the users page shows it: never the password hash. */
    public record UserRow(String username, String role, boolean messageView, boolean enabled, java.time.Instant createdAt) {
    }

    public List<UserRow> list() {
        return jdbc.query("SELECT username, role, message_view, enabled, created_at FROM console_user ORDER BY username",
                (rs, i) -> new UserRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                        rs.getTimestamp(5).toInstant()));
    }

    public java.util.Optional<UserRow> find(String username) {
        return jdbc.query("SELECT username, role, message_view, enabled, created_at FROM console_user WHERE username = ?",
                (rs, i) -> new UserRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                        rs.getTimestamp(5).toInstant()), username).stream().findFirst();
    }

    /** Changes role, message-view and enabled; the caller validates the input. */
    public void update(String username, String role, boolean messageView, boolean enabled) {
        jdbc.update("UPDATE console_user SET role = ?, message_view = ?, enabled = ? WHERE username = ?",
                role, messageView, enabled, username);
    }

    /** Sets a new password; failed sign-ins counted for the user so far are forgotten. */
    public void setPassword(String username, String password) {
        jdbc.update("UPDATE console_user SET password_hash = ? WHERE username = ?", encoder.encode(password), username);
        throttle.clearUser(username);
    }

    /** Creates a console user; the caller validates the input. */
    public void create(String username, String password, String role, boolean messageView) {
        jdbc.update("INSERT INTO console_user (username, password_hash, role, message_view) VALUES (?, ?, ?, ?)",
                username, encoder.encode(password), role, messageView);
    }

    /** What {@link #initialize} did. */
    enum Initialized { CREATED, GENERATED, RESET, UNCHANGED }

    /**
     * Creates the first admin when there is no console user yet (printing a generated password
     * once); with a configured password and an existing installation, makes {@code admin} an
     * enabled ADMIN with that password, so a lost password is recovered by one start with
     * {@code HERALD_ADMIN_PASSWORD} set.
     */
    Initialized initialize(String configuredPassword, PrintStream out, GeneratedSecrets secrets) {
        boolean configured = configuredPassword != null && !configuredPassword.isBlank();
        Integer count = jdbc.queryForObject("SELECT count(*) FROM console_user", Integer.class);
        if (count != null && count > 0) {
            if (!configured) {
                return Initialized.UNCHANGED;
            }
            // a start with the admin password set ends a lock-out of admin after failed sign-ins too
            throttle.clearUser("admin");
            List<String> hash = jdbc.queryForList("SELECT password_hash FROM console_user WHERE username = 'admin'"
                    + " AND role = 'ADMIN' AND enabled", String.class);
            if (!hash.isEmpty() && encoder.matches(configuredPassword, hash.get(0))) {
                return Initialized.UNCHANGED;
            }
            int updated = jdbc.update("UPDATE console_user SET password_hash = ?, role = 'ADMIN', enabled = true WHERE username = 'admin'",
                    encoder.encode(configuredPassword));
            if (updated == 0) {
                create("admin", configuredPassword, "ADMIN", true);
            }
            secrets.forget("admin-password", "replaced by HERALD_ADMIN_PASSWORD at " + java.time.Instant.now());
            return Initialized.RESET;
        }
        String password = configured ? configuredPassword : Secrets.generate("").substring(0, 20);
        create("admin", password, "ADMIN", true);
        if (configured) {
            return Initialized.CREATED;
        }
        out.println();
        out.println("  Herald console user 'admin', password (shown once): " + password);
        out.println("  Set HERALD_ADMIN_PASSWORD to choose it yourself (a start with it set also resets a lost password).");
        out.println();
        secrets.keep("admin-password", password);
        return Initialized.GENERATED;
    }
}
