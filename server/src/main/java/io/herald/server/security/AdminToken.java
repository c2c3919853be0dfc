package io.herald.server.security;

import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The admin bearer token. Configured through {@code HERALD_ADMIN_TOKEN}, or generated at the first
 * start, printed once and kept only as a hash.
 */
@Component
class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    static final String SECRET_NAME = "admin-token";

    private final String configuredHash;
    private final JdbcTemplate jdbc;
    private final GeneratedSecrets secrets;
    private volatile String storedHash;

    AdminToken(HeraldSecurityProperties props, JdbcTemplate jdbc, GeneratedSecrets secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.configuredHash = props.adminToken() == null || props.adminToken().isBlank() ? null : Secrets.sha256(props.adminToken());
    }

    /** Makes sure a token exists; prints a generated one once. */
    void initialize(PrintStream out) {
        if (configuredHash != null) {
            return;
        }
        var existing = jdbc.queryForList("SELECT hash FROM server_secret WHERE name = ?", String.class, SECRET_NAME);
        if (!existing.isEmpty()) {
            storedHash = existing.get(0);
            return;
        }
        String token = Secrets.generate("ha_");
        try {
            jdbc.update("INSERT INTO server_secret (name, hash) VALUES (?, ?)", SECRET_NAME, Secrets.sha256(token));
            storedHash = Secrets.sha256(token);
            out.println();
            out.println("  Herald admin API token (shown once, store it now): " + token);
            out.println("  Use it as 'Authorization: Bearer <token>'. Set HERALD_ADMIN_TOKEN to choose your own"
                    + " (a start with it set replaces a lost token).");
            out.println();
            secrets.keep("admin-token", token);
        } catch (DuplicateKeyException e) {
            // Another instance generated it at the same moment.
            storedHash = jdbc.queryForObject("SELECT hash FROM server_secret WHERE name = ?", String.class, SECRET_NAME);
        }
        log.info("Admin API token generated");
    }

    boolean matches(String token) {
        String hash = configuredHash != null ? configuredHash : storedHash;
        return hash != null && token != null && Secrets.matches(token, hash);
    }
}
