package io.herald.server.support;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of integration tests that run the whole server on a random port against the real
 * PostgreSQL and Kafka of {@link TestInfra}. One Spring context is shared by all such tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServerTest {

    public static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    public static final String ADMIN_PASSWORD = "it-admin-password";
    /** The shared server's {@code herald.push.stale-after}. */
    public static final int STALE_AFTER_SECONDS = 45;

    /** The shared server's gRPC port: a free one, as the default 9090 may be taken on a developer's machine. */
    protected static final int GRPC_PORT = unusedPort();

    @LocalServerPort
    protected int port;

    protected Api admin;
    protected Api anonymous;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", TestInfra::databaseUrl);
        registry.add("spring.datasource.username", TestInfra::dbUser);
        registry.add("spring.datasource.password", TestInfra::dbPassword);
        registry.add("herald.kafka.bootstrap", TestInfra::kafkaBootstrap);
        registry.add("herald.security.admin-token", () -> ADMIN_TOKEN);
        registry.add("herald.security.admin-password", () -> ADMIN_PASSWORD);
        registry.add("herald.push.long-poll-timeout", () -> "3s");
        // not the 60 s default, so a console test can tell the setting from a hard-coded minute
        registry.add("herald.push.stale-after", () -> STALE_AFTER_SECONDS + "s");
        registry.add("herald.metrics.catalog-refresh", () -> "1s");
        registry.add("herald.metrics.lag-refresh", () -> "1s");
        registry.add("herald.grpc.port", () -> GRPC_PORT);
        // payload searches of 40,000 records take two seconds or more, so that a test can stop one while it runs
        registry.add("herald.console.search.max-rate", () -> "20000");
    }

    @BeforeEach
    void clients() {
        admin = new Api("http://127.0.0.1:" + port + "/api/v1", ADMIN_TOKEN);
        anonymous = new Api("http://127.0.0.1:" + port + "/api/v1", null);
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A port nothing listens on right now. */
    private static int unusedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A name no other test uses. */
    protected static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }
}
