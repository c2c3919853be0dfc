package io.herald.server.bench;

import io.herald.server.HeraldServer;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A Herald server on a fresh database for a benchmark main. */
final class BenchServer implements AutoCloseable {

    static final String TOKEN = "bench-token";
    final ConfigurableApplicationContext context;
    final int port;
    final Api api;

    BenchServer(String... extra) {
        String db = TestInfra.createDatabase("herald_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + db,
                "--spring.datasource.username=" + TestInfra.dbUser(), "--spring.datasource.password=" + TestInfra.dbPassword(),
                "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(), "--herald.security.admin-token=" + TOKEN,
                "--logging.level.root=WARN", "--server.tomcat.threads.max=200"));
        args.addAll(List.of(extra));
        if (args.stream().noneMatch(a -> a.startsWith("--herald.grpc.port="))) {
            args.add("--herald.grpc.port=0");
        }
        context = new SpringApplicationBuilder(HeraldServer.class).run(args.toArray(String[]::new));
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
        api = new Api("http://127.0.0.1:" + port + "/api/v1", TOKEN);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        context.close();
    }

    static String pct(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return "-";
        }
        long v = sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(p * sortedNanos.length) - 1)];
        return String.format("%.1f ms", v / 1e6);
    }
}
