package io.herald.server.console;

import io.herald.server.HeraldServer;
import io.herald.server.support.TestInfra;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the server on a fresh database and an in-process Kafka with the demo seeded, to look at
 * the console by hand: {@code java -cp … io.herald.server.console.ConsoleDemo [port]}. Sign in as
 * {@code admin} / {@code demo-admin}. Not part of the test suite.
 */
public final class ConsoleDemo {

    private ConsoleDemo() {
    }

    public static void main(String[] args) {
        try {
            ConfigurableApplicationContext context = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080, true);
            System.out.println("Herald console: http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")
                    + "/  (admin / demo-admin)");
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1); // the in-process Kafka would keep the JVM alive
        }
    }

    @SafeVarargs
    static ConfigurableApplicationContext start(int port, boolean seed,
                                                ApplicationContextInitializer<ConfigurableApplicationContext>... initializers) {
        SpringApplication app = new SpringApplication(HeraldServer.class);
        app.addInitializers(initializers);
        return app.run("--server.port=" + port,
                "--spring.datasource.url=" + TestInfra.databaseUrl(),
                "--spring.datasource.username=" + TestInfra.dbUser(),
                "--spring.datasource.password=" + TestInfra.dbPassword(),
                "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(),
                "--herald.security.admin-token=demo-admin-token-0123456789",
                "--herald.security.admin-password=demo-admin",
                "--herald.demo.seed=" + seed,
                "--logging.level.org.apache.kafka=ERROR");
    }
}
