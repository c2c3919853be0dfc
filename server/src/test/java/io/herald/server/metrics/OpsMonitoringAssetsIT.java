package io.herald.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.server.support.Prometheus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitoring assets in {@code ops/}: Prometheus accepts the scrape config and the alert rules,
 * and the Grafana dashboard and the rules only query meters Herald really publishes.
 */
class OpsMonitoringAssetsIT {

    private static final Path OPS = repositoryRoot().resolve("ops");
    private static final Pattern METRIC = Pattern.compile("\\bherald_[a-z_]+");

    @Test
    void promtoolAcceptsConfigAndAlertRules() throws Exception {
        String promtool = Prometheus.promtool();
        assertThat(Path.of(promtool)).as("promtool (Debian package prometheus)").isExecutable();
        assertThat(run(promtool, "check", "config", OPS.resolve("prometheus/prometheus.yml").toString())).contains("SUCCESS");
        try (var rules = Files.list(OPS.resolve("prometheus/rules"))) {
            for (Path file : rules.filter(p -> p.toString().endsWith(".yml")).toList()) {
                assertThat(run(promtool, "check", "rules", file.toString())).contains("SUCCESS");
            }
        }
    }

    /** ops/prometheus/tests: the shipped rules against series a dead, a live-but-behind and an idle group export. */
    @Test
    void shippedAlertRulesPassTheirUnitTests() throws Exception {
        String promtool = Prometheus.promtool();
        try (var tests = Files.list(OPS.resolve("prometheus/tests"))) {
            List<Path> files = tests.filter(p -> p.toString().endsWith(".yml")).toList();
            assertThat(files).isNotEmpty();
            for (Path file : files) {
                assertThat(run(promtool, "test", "rules", file.toString())).contains("SUCCESS");
            }
        }
    }

    @Test
    void dashboardAndRulesQueryOnlyPublishedMeters() throws Exception {
        Set<String> published = new TreeSet<>(Set.of("herald_apps", "herald_topics", "herald_bindings", "herald_processors",
                "herald_config_version"));
        for (String meter : List.of(HeraldMetrics.SENT, HeraldMetrics.SEND_ERRORS, HeraldMetrics.RECEIVED, HeraldMetrics.HANDLED,
                HeraldMetrics.FAILED, HeraldMetrics.RETRIED, HeraldMetrics.DEAD_LETTERED)) {
            published.add(prom(meter) + "_total");
        }
        published.add(prom(HeraldMetrics.CONSUMER_LAG));
        published.addAll(Set.of("herald_group_lag", "herald_group_last_commit_seconds", "herald_group_lag_refreshed_seconds"));
        for (String timer : List.of(HeraldMetrics.SEND_LATENCY, HeraldMetrics.HANDLING_TIME)) {
            published.add(prom(timer) + "_seconds_sum");
            published.add(prom(timer) + "_seconds_count");
        }

        JsonNode dashboard = JsonMapper.builder().build().readTree(OPS.resolve("grafana/herald-dashboard.json").toFile());
        assertThat(dashboard.get("panels").size()).isGreaterThan(5);
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("targets").size()).as(panel.get("title").asString()).isPositive();
            panel.get("targets").forEach(t -> collect(t.get("expr").asString(), used));
        }
        try (var rules = Files.list(OPS.resolve("prometheus/rules"))) {
            for (Path file : rules.toList()) {
                collect(Files.readString(file), used);
            }
        }
        assertThat(published).containsAll(used);
        assertThat(used).contains("herald_consumer_lag", "herald_messages_dead_lettered_total", "herald_send_errors_total",
                "herald_group_lag", "herald_group_last_commit_seconds", "herald_group_lag_refreshed_seconds");
    }

    private static void collect(String text, Set<String> into) {
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            into.add(m.group());
        }
    }

    private static String prom(String micrometerName) {
        return micrometerName.replace('.', '_').replace('-', '_');
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("ops/prometheus"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
