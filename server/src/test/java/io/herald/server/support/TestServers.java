package io.herald.server.support;

import io.herald.server.HeraldServer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Another Herald server in the test JVM (a second instance, a restart, a server with its own broker),
 * configured the way an operator would: command-line properties only.
 */
public final class TestServers {

    private TestServers() {
    }

    /**
     * A server on a free port unless {@code extra} names one.
     *
     * @param db        its database (e.g. {@link TestInfra#databaseUrl()} to share the suite's, or a fresh one)
     * @param bootstrap its Kafka
     * @param token     its admin API token
     * @param extra     further {@code --name=value} settings
     */
    public static ConfigurableApplicationContext start(String db, String bootstrap, String token, String... extra) {
        return start(new Class<?>[0], db, bootstrap, token, extra);
    }

    /**
     * As {@link #start(String, String, String, String...)}, with {@code sources} (classes with {@code @Bean} methods, not
     * {@code @Configuration}: the server's component scan would find those) adding to or replacing the server's beans.
     */
    public static ConfigurableApplicationContext start(Class<?>[] sources, String db, String bootstrap, String token, String... extra) {
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + db, "--spring.datasource.username=" + TestInfra.dbUser(),
                "--spring.datasource.password=" + TestInfra.dbPassword(),
                "--herald.kafka.bootstrap=" + bootstrap, "--herald.security.admin-token=" + token));
        args.addAll(List.of(extra));
        if (args.stream().noneMatch(a -> a.startsWith("--server.port="))) {
            args.add("--server.port=0");
        }
        if (args.stream().noneMatch(a -> a.startsWith("--herald.grpc.port="))) {
            args.add("--herald.grpc.port=0");
        }
        return new SpringApplicationBuilder(HeraldServer.class).sources(sources).run(args.toArray(String[]::new));
    }

    public static int port(ConfigurableApplicationContext server) {
        return ((WebServerApplicationContext) server).getWebServer().getPort();
    }

    /** The server's {@code /api/v1} called with {@code token}. */
    public static Api api(ConfigurableApplicationContext server, String token) {
        return new Api("http://127.0.0.1:" + port(server) + "/api/v1", token);
    }
}
