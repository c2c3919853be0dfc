package io.herald.server.database;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL's part of readiness ({@code db}), read from {@link DatabaseProbe}'s last answer: it
 * answers at once however the database fails (Spring Boot's own check waited for the pool's
 * connection timeout), and its details never name an exception class.
 */
@Component("dbHealthIndicator")
class DatabaseHealth implements HealthIndicator {

    private final DatabaseProbe probe;

    DatabaseHealth(DatabaseProbe probe) {
        this.probe = probe;
    }

    @Override
    public Health health() {
        if (probe.up()) {
            return Health.up().withDetail("database", "PostgreSQL").withDetail("validationQuery", DatabaseProbe.VALIDATION_QUERY).build();
        }
        String reason = probe.reason();
        return Health.down().withDetail("database", "PostgreSQL")
                .withDetail("error", reason == null ? "PostgreSQL does not answer" : reason).build();
    }
}
