package io.herald.server.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.common.DatabaseUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** What counts as PostgreSQL being out of reach, and how the probe words a failure. */
class DatabaseOutagesTest {

    @Test
    void aConnectionFailureIsAnOutageHoweverItIsWrapped() {
        var pool = new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 2000ms");
        assertThat(DatabaseUnavailableException.in(new CannotCreateTransactionException("Could not open JPA EntityManager", pool)))
                .isPresent();
        assertThat(DatabaseUnavailableException.in(new CannotGetJdbcConnectionException("no connection",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001")))).isPresent();
        assertThat(DatabaseUnavailableException.in(new RuntimeException(new SQLException("terminating connection due to "
                + "administrator command", "57P01")))).isPresent();
        assertThat(DatabaseUnavailableException.in(new RuntimeException(new DatabaseUnavailableException("down")))).isPresent();
    }

    @Test
    void otherDatabaseErrorsAreNotAnOutage() {
        assertThat(DatabaseUnavailableException.in(new DataIntegrityViolationException("duplicate key",
                new SQLException("duplicate key value violates unique constraint", "23505")))).isEmpty();
        assertThat(DatabaseUnavailableException.in(new IllegalStateException("bug"))).isEmpty();
    }

    @Test
    void theProbesReasonNamesNoExceptionClass() {
        String reason = DatabaseProbe.describe(new SQLException("An I/O error occurred while sending to the backend.",
                "08006", new java.net.SocketException("Connection reset")));
        assertThat(reason).isEqualTo("An I/O error occurred while sending to the backend.");
        assertThat(DatabaseProbe.describe(new RuntimeException("java.net.ConnectException: Connection refused")))
                .isEqualTo("Connection refused");
    }
}
