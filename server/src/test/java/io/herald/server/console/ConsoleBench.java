package io.herald.server.console;

import io.herald.server.support.TestInfra;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Server time of the heaviest console pages, run on demand (not part of the suite):
 * <ul>
 *   <li>topic list with 10,000 topics in the catalog (target p95 ≤ 100 ms per page);</li>
 *   <li>topic detail with 12 partitions and 20 consumer groups (target p95 ≤ 300 ms).</li>
 * </ul>
 * It starts the server on a fresh database and an in-process Kafka, signs in like a browser and
 * times requests over loopback (so the figures are server time plus a little transport).
 * {@code java -cp <test classpath> io.herald.server.console.ConsoleBench [requests]}
 */
public final class ConsoleBench {

    private static final String PASSWORD = "demo-admin";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private ConsoleBench() {
    }

    public static void main(String[] args) {
        try {
            bench(args.length > 0 ? Integer.parseInt(args[0]) : 400);
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // the in-process Kafka would keep the JVM alive
        }
    }

    private static void bench(int n) throws Exception {
        ConfigurableApplicationContext server = ConsoleDemo.start(0, false, ctx -> ((GenericApplicationContext) ctx)
                .registerBean("benchClock", FilterRegistrationBean.class, () -> {
                    FilterRegistrationBean<ServerClock> clock = new FilterRegistrationBean<>(new ServerClock());
                    clock.setOrder(Ordered.HIGHEST_PRECEDENCE);
                    return clock;
                }));
        String base = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
        try {
            seedTopics(10_000);
            String detail = seedDetailTopic(base);
            HttpClient http = signIn(base);

            System.out.println();
            System.out.println("Server time = from the first servlet filter until the response is complete, in the server;"
                    + " round trip = as the client saw it over loopback. CPU = the request thread's CPU time.");
            System.out.printf(Locale.ROOT, "%-44s %19s %19s %9s %9s%n", "page (" + n + " requests after warm-up)",
                    "server p50 / p95", "round trip p50/p95", "CPU p50", "CPU p95");
            run(http, "topic list, page 1 of 200", n, i -> base + "/topics", false);
            run(http, "topic list, random page (htmx fragment)", n,
                    i -> base + "/topics?page=" + (i * 37 % 200), true);
            run(http, "topic list, last page", n, i -> base + "/topics?page=199", false);
            run(http, "topic list, search 'bench-07' (htmx)", n, i -> base + "/topics?q=bench-07", true);
            run(http, "topic detail, 12 partitions, 20 groups", n, i -> base + "/topics/" + detail, false);
            run(http, "topic detail live refresh (htmx)", n, i -> base + "/topics/" + detail + "/kafka", true);
            run(http, "dashboard Kafka figures, 10,001 topics", Math.max(20, n / 10), i -> base + "/dashboard/kafka", true);
        } finally {
            server.close();
        }
    }

    private static void run(HttpClient http, String name, int n, IntFunction<String> url, boolean htmx) throws Exception {
        for (int i = 0; i < Math.max(30, n / 4); i++) {
            send(http, url.apply(i), htmx);
        }
        long[] nanos = new long[n];
        ServerClock.WALL.clear();
        ServerClock.CPU.clear();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            send(http, url.apply(i), htmx);
            nanos[i] = System.nanoTime() - t;
        }
        long[] wall = ServerClock.WALL.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] cpu = ServerClock.CPU.stream().mapToLong(Long::longValue).sorted().toArray();
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-44s %8.1f / %7.1f %8.1f / %7.1f %9.1f %9.1f%n", name, ms(wall, 0.50), ms(wall, 0.95),
                ms(nanos, 0.50), ms(nanos, 0.95), ms(cpu, 0.50), ms(cpu, 0.95));
    }

    /** Times each request inside the server: wall clock and the request thread's CPU. */
    static final class ServerClock extends OncePerRequestFilter {

        static final Queue<Long> WALL = new ConcurrentLinkedQueue<>();
        static final Queue<Long> CPU = new ConcurrentLinkedQueue<>();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long wall = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            try {
                chain.doFilter(request, response);
                response.flushBuffer();
            } finally {
                if (!request.getRequestURI().startsWith("/login")) {
                    WALL.add(System.nanoTime() - wall);
                    CPU.add(THREADS.getCurrentThreadCpuTime() - cpu);
                }
            }
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static void send(HttpClient http, String url, boolean htmx) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (htmx) {
            b.header("HX-Request", "true");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
    }

    /** 10,000 topics with two types each, straight into the catalog (Kafka is not needed for the list). */
    private static void seedTopics(int count) throws Exception {
        try (Connection c = DriverManager.getConnection(TestInfra.databaseUrl(), TestInfra.dbUser(), TestInfra.dbPassword())) {
            c.setAutoCommit(false);
            c.createStatement().execute("INSERT INTO app (name, owner) VALUES ('bench', 'bench team')");
            try (PreparedStatement t = c.prepareStatement("INSERT INTO topic (name, collision_name, app_id, partitions,"
                    + " replication_factor, retention_ms, description) SELECT ?, ?, id, 3, 1, 604800000, ? FROM app WHERE name = 'bench'")) {
                for (int i = 0; i < count; i++) {
                    String name = String.format(Locale.ROOT, "bench-%05d", i);
                    t.setString(1, name);
                    t.setString(2, name);
                    t.setString(3, "Benchmark topic number " + i);
                    t.addBatch();
                }
                t.executeBatch();
            }
            c.createStatement().execute("INSERT INTO message_type (topic_id, name, description) SELECT id, 'created', 'x' FROM topic");
            c.createStatement().execute("INSERT INTO message_type (topic_id, name, description) SELECT id, 'deleted', 'y' FROM topic");
            c.commit();
            c.createStatement().execute("ANALYZE");
        }
    }

    /** A real topic with 12 partitions, 12,000 messages, 20 consumer groups at different lags, 5 of them bound. */
    private static String seedDetailTopic(String base) throws Exception {
        String topic = "bench.detail";
        io.herald.server.support.Api api = new io.herald.server.support.Api(base + "/api/v1", "demo-admin-token-0123456789");
        var created = api.post("/topics", Map.of("name", topic, "app", "bench", "partitions", 12, "replicationFactor", 1,
                "types", List.of(Map.of("name", "created"))));
        if (created.status() != 201) {
            throw new IllegalStateException("topic: " + created);
        }
        for (int g = 0; g < 5; g++) {
            api.post("/bindings", Map.of("app", "bench", "group", "bench-group-" + g, "topic", topic, "kind", "FANOUT"));
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 12_000; i++) {
                p.send(new ProducerRecord<>(topic, i % 12, "k" + i, "{\"n\":" + i + "}"));
            }
            p.flush();
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfra.kafkaBootstrap()))) {
            for (int g = 0; g < 20; g++) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (int p = 0; p < 12; p++) {
                    offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(1000 - g * 40L));
                }
                admin.alterConsumerGroupOffsets("bench-group-" + g, offsets).all().get();
            }
        }
        return topic;
    }

    private static HttpClient signIn(String base) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        String login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = CSRF.matcher(login);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the login page");
        }
        String form = "username=admin&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302 || r.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in failed: " + r.statusCode() + " " + r.headers().map());
        }
        return http;
    }
}
