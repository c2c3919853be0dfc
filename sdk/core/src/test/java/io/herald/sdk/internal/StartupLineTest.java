package io.herald.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A service without an SLF4J binding still sees Herald's start-up line, once, on stderr. */
class StartupLineTest {

    /** Runs in a JVM whose class path has no SLF4J binding. */
    public static void main(String[] args) throws Exception {
        try (Herald herald = Herald.builder().withAppName("no-binding").withControlPlane("http://127.0.0.1:9", null)
                .withKafkaBootstrap("127.0.0.1:9").withSetting(HeraldSettings.CONFIG_CACHE_DIR, args[0]).build()) {
            herald.listen(Binding.fanout("orders").withGroup("billing"), String.class, m -> { });
            herald.start();
            herald.start();
        }
    }

    @Test
    void withoutAnSlf4jBindingTheStartLineGoesToStderrOnce() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("slf4j-simple") && !entry.contains("logback") && !entry.contains("log4j-slf4j"))
                .collect(Collectors.joining(File.pathSeparator));
        Path cache = Files.createTempDirectory(Path.of("target"), "no-binding");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                StartupLineTest.class.getName(), cache.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        List<String> lines = err.lines().filter(l -> l.startsWith("Herald ") && l.contains(" started (app no-binding")).toList();
        assertThat(lines).as(err).hasSize(1);
        assertThat(lines.get(0)).contains("SDK ").contains("billing/orders").contains("slf4j-simple");
    }

    @Test
    void withABindingNothingIsPrinted() {
        // this test JVM has slf4j-simple: the log has the line, stderr gets no copy of it
        assertThat(StartupLine.noSlf4jBinding()).isFalse();
        assertThat(StartupLine.printIfUnlogged("x", new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))).isFalse();
    }
}
