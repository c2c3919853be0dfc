package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * README tour step 2 as a new user runs it: {@code examples/}'s {@code Billing} program, compiled
 * from the file the README points to and run in its own JVM against the server and real Kafka,
 * receives the payment it sent and exits 0.
 */
class ExampleProgramIT extends ServerTest {

    @Test
    void theTourProgramReceivesItsPaymentAndExits() throws Exception {
        // given the tour's step 1: app billing and topic trade
        Api.Response app = admin.post("/apps", Map.of("name", "billing", "owner", "payments team"));
        String key = app.status() == 201 ? app.json().get("apiKey").asString()
                : admin.post("/apps/billing/keys", null).json().get("apiKey").asString();
        Api.Response topic = admin.post("/topics", Map.of("name", "trade", "app", "billing", "partitions", 6, "replicationFactor", 1,
                "retentionMs", 604800000, "types", List.of(Map.of("name", "pay-succ", "jsonSchema",
                        Map.of("type", "object", "required", List.of("orderId"))), Map.of("name", "pay-fail"))));
        assertThat(topic.status()).as(topic.toString()).isIn(201, 409);

        // when the example is compiled and run as the README says
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(root.resolve("examples"))) {
            root = root.getParent();
        }
        Path source = root.resolve("examples/src/main/java/io/herald/examples/Billing.java");
        Path classes = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "example-classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classPath = System.getProperty("java.class.path");
        assertThat(javac.run(null, null, null, "--release", "17", "-cp", classPath, "-d", classes.toString(), source.toString()))
                .isZero();
        String orderId = unique("order");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                classes + File.pathSeparator + classPath, "io.herald.examples.Billing", orderId).redirectErrorStream(true);
        pb.environment().put("HERALD_API_KEY", key);
        pb.environment().put("HERALD_URL", baseUrl());
        pb.environment().put("HERALD_KAFKA", TestInfra.kafkaBootstrap());
        // its SDK keeps the config cache in .herald of the working directory, as in a user's project
        pb.directory(Files.createTempDirectory(Path.of("target"), "example-run").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // then it printed the payment it received and exited 0
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("paid: Payment[orderId=" + orderId + ", amount=99.5]");
        assertThat(admin.get("/bindings/billing/trade").json().get("kind").asString()).isEqualTo("DIRECT");
    }
}
