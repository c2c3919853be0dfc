package io.herald.server.catalog;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The catalog's monotonic config version. A change bumps it inside its own transaction and
 * notifies every server instance (PostgreSQL {@code NOTIFY}, delivered at commit), which then
 * answers the SDK long-polls it holds.
 */
@Service
public class ConfigVersions {

    public static final String CHANNEL = "herald_config";

    private final JdbcTemplate jdbc;

    ConfigVersions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Bumps the version; must run inside the transaction of the change. */
    @Transactional(propagation = Propagation.MANDATORY)
    public long bump() {
        Long version = jdbc.queryForObject("UPDATE config_version SET version = version + 1 RETURNING version", Long.class);
        jdbc.queryForObject("SELECT pg_notify(?, ?)", Object.class, CHANNEL, String.valueOf(version));
        return version;
    }

    public long current() {
        Long version = jdbc.queryForObject("SELECT version FROM config_version", Long.class);
        return version == null ? 0 : version;
    }
}
