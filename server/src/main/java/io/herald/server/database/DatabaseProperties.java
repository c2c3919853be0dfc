package io.herald.server.database;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server watches PostgreSQL ({@code herald.database.*}).
 *
 * @param probeInterval how often a validation query checks PostgreSQL on the probe's own connection
 * @param probeTimeout  a probe that has not answered within this is a failed one: PostgreSQL counts as
 *                      down, database-backed requests are answered 503 at once and readiness is DOWN
 */
@ConfigurationProperties("herald.database")
public record DatabaseProperties(@DefaultValue("500ms") Duration probeInterval, @DefaultValue("1s") Duration probeTimeout) {

    public DatabaseProperties {
        if (probeInterval.toMillis() < 10) {
            throw new IllegalArgumentException("herald.database.probe-interval must be at least 10ms, not " + probeInterval);
        }
        if (probeTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("herald.database.probe-timeout must be at least 100ms, not " + probeTimeout);
        }
    }
}
