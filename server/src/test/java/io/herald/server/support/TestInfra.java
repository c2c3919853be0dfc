package io.herald.server.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The real PostgreSQL and Kafka the integration tests run against. The test command exports
 * {@code HERALD_TEST_DB_URL} (an admin database) and {@code HERALD_TEST_KAFKA_BOOTSTRAP} (a standalone
 * broker); without them, PostgreSQL at 127.0.0.1:5432 and an in-process KRaft broker are used.
 * Each test JVM gets a fresh database of its own.
 */
public final class TestInfra {

    private static String databaseUrl;
    private static String kafkaBootstrap;
    private static EmbeddedKafkaKraftBroker embedded;

    private TestInfra() {
    }

    public static String dbUser() {
        return env("HERALD_TEST_DB_USER", "postgres");
    }

    public static String dbPassword() {
        return env("HERALD_TEST_DB_PASSWORD", "");
    }

    public static String adminDbUrl() {
        return env("HERALD_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    }

    /** A fresh database for this JVM. */
    public static synchronized String databaseUrl() {
        if (databaseUrl == null) {
            databaseUrl = createDatabase("herald_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        }
        return databaseUrl;
    }

    /** Creates another empty database (e.g. for a second server with its own data). */
    public static String createDatabase(String name) {
        String admin = adminDbUrl();
        try (Connection c = DriverManager.getConnection(admin, dbUser(), dbPassword())) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database at " + admin + ": " + e.getMessage(), e);
        }
        int slash = admin.lastIndexOf('/');
        int query = admin.indexOf('?', slash);
        return admin.substring(0, slash + 1) + name + (query > 0 ? admin.substring(query) : "");
    }

    public static synchronized String kafkaBootstrap() {
        if (kafkaBootstrap == null) {
            String external = System.getenv("HERALD_TEST_KAFKA_BOOTSTRAP");
            if (external != null && !external.isBlank()) {
                kafkaBootstrap = external;
            } else {
                embedded = new EmbeddedKafkaKraftBroker(1, 1);
                embedded.afterPropertiesSet();
                kafkaBootstrap = embedded.getBrokersAsString();
                Runtime.getRuntime().addShutdownHook(new Thread(embedded::destroy));
            }
        }
        return kafkaBootstrap;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
