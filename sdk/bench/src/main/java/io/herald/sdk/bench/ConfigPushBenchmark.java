package io.herald.sdk.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a config change takes to be applied by many SDK instances in one JVM, each a real
 * {@link Herald} with its own long-poll loop (the SDK's poll code as shipped; all instances of the JVM
 * share the SDK's one HTTP client). Issue targets: p99 change→applied at most 1 s for 10,000 instances
 * on one server, and for 2 × 5,000 on two servers sharing PostgreSQL with the change made through the
 * other one.
 *
 * <pre>
 * # against a small local control plane (the SDK side alone):
 * java -cp ... io.herald.sdk.bench.ConfigPushBenchmark --instances 200 --changes 20
 * # against real Herald servers (sdk/bench/config-push.sh starts them, Kafka and a fresh database):
 * java -Xss256k -cp ... io.herald.sdk.bench.ConfigPushBenchmark --instances 10000 --changes 10 \
 *      --control-plane http://127.0.0.1:8081,http://127.0.0.1:8082 --admin-token TOKEN --server-pids 123,456
 * </pre>
 *
 * Against real servers it creates an app with a topic and a binding, starts the instances spread
 * round-robin over the servers, waits until every server holds their polls (its
 * {@code herald_push_polls_held} gauge), and flips the binding's type pattern through the last server
 * listed. It prints p50/p99/max change→applied overall and per server, the servers' heap per 1,000 held
 * polls (after a full GC, against the heap before the instances started), their CPU per 1,000 held polls
 * while idle (304 re-polls and heartbeats only) and during the changes, and the load average beside each
 * figure: the machine may be shared. Each instance runs with a transport that does nothing: Kafka plays
 * no part in config push.
 */
public final class ConfigPushBenchmark {

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int instances = Integer.parseInt(args.getOrDefault("instances", "200"));
        int changes = Integer.parseInt(args.getOrDefault("changes", "20"));
        long heartbeatMs = Long.parseLong(args.getOrDefault("heartbeat-ms", "10000"));
        long idleMs = Long.parseLong(args.getOrDefault("idle-ms", "20000"));
        HttpClient http = HttpClient.newHttpClient();
        LocalControlPlane local = null;
        List<String> urls;
        List<Long> pids = new ArrayList<>();
        String app;
        String apiKey;
        Long bindingId = null;
        if (args.containsKey("control-plane")) {
            urls = List.of(args.get("control-plane").split(","));
            if (args.containsKey("server-pids")) {
                for (String pid : args.get("server-pids").split(",")) {
                    pids.add(Long.parseLong(pid.trim()));
                }
            }
            Setup setup = setUp(http, urls.get(urls.size() - 1), args.get("admin-token"));
            app = setup.app();
            apiKey = setup.apiKey();
            bindingId = setup.bindingId();
        } else {
            app = args.getOrDefault("app", "bench");
            apiKey = args.getOrDefault("api-key", "bench-key");
            local = new LocalControlPlane(app);
            urls = List.of(local.url());
        }
        System.out.printf("config push benchmark: %d instances over %s, %d changes, heartbeat every %d ms; %s%n",
                instances, urls, changes, heartbeatMs, load());
        long[] heapBefore = heap(pids);

        Herald[] heralds = new Herald[instances];
        int[] serverOf = new int[instances];
        ExecutorService starter = Executors.newFixedThreadPool(Math.min(64, instances));
        try {
            long t0 = System.nanoTime();
            List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                int n = i;
                serverOf[n] = n % urls.size();
                String url = urls.get(serverOf[n]);
                started.add(starter.submit(() -> {
                    heralds[n] = Herald.builder().withAppName(app).withControlPlane(url, apiKey).withTransport(new NoTransport())
                            .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").withSetting(HeraldSettings.HEARTBEAT_INTERVAL_MS, heartbeatMs)
                            .withSetting(HeraldSettings.TRACING_ENABLED, false).withSetting(HeraldSettings.METRICS_ENABLED, false)
                            .withSetting(HeraldSettings.REPLAY_ENABLED, false)
                            .build().start();
                    return null;
                }));
            }
            for (Future<?> f : started) {
                f.get();
            }
            System.out.printf("%d instances started in %.1f s (config version %d)%n", instances, (System.nanoTime() - t0) / 1e9,
                    heralds[0].configVersion());
            if (local == null) {
                awaitHeld(http, urls, instances);
                long[] heapHeld = heap(pids);
                long[] cpuIdle0 = cpu(pids);
                long idle0 = System.nanoTime();
                Thread.sleep(idleMs);
                long[] cpuIdle1 = cpu(pids);
                double idleSecs = (System.nanoTime() - idle0) / 1e9;
                for (int s = 0; s < pids.size(); s++) {
                    double heldK = instances / (double) urls.size() / 1000.0;
                    System.out.printf("server %d (pid %d): heap %d MB before the instances, %d MB with %d polls held: %.1f MB per 1,000 held polls;"
                                    + " idle CPU %.1f%% of a core = %.2f%% per 1,000 held polls (304s every 30 s, heartbeats every %d ms); %s%n",
                            s + 1, pids.get(s), heapBefore[s] >> 20, heapHeld[s] >> 20, instances / urls.size(),
                            (heapHeld[s] - heapBefore[s]) / 1048576.0 / heldK,
                            100.0 * (cpuIdle1[s] - cpuIdle0[s]) / 1e9 / idleSecs,
                            100.0 * (cpuIdle1[s] - cpuIdle0[s]) / 1e9 / idleSecs / heldK, heartbeatMs, load());
                }
            }
            List<List<Long>> byServer = new ArrayList<>();
            urls.forEach(u -> byServer.add(new ArrayList<>()));
            List<Long> latencies = new ArrayList<>();
            long[] cpuPush0 = cpu(pids);
            long push0 = System.nanoTime();
            String pattern = "b";
            for (int c = 0; c < changes; c++) {
                if (local == null) {
                    awaitHeld(http, urls, instances);
                } else {
                    Thread.sleep(300); // let every instance re-enter its long-poll
                }
                long before = Long.MAX_VALUE;
                for (Herald h : heralds) {
                    before = Math.min(before, h.configVersion());
                }
                long start = System.nanoTime();
                if (local != null) {
                    local.bump();
                } else {
                    change(http, urls.get(urls.size() - 1), args.get("admin-token"), bindingId, pattern);
                    pattern = pattern.equals("b") ? "a" : "b";
                }
                long[] appliedAt = new long[instances];
                int pending = instances;
                long deadline = start + 30_000_000_000L;
                while (pending > 0 && System.nanoTime() < deadline) {
                    for (int i = 0; i < instances; i++) {
                        if (appliedAt[i] == 0 && heralds[i].configVersion() > before) {
                            appliedAt[i] = System.nanoTime();
                            pending--;
                        }
                    }
                    // a short park rather than a spin: on a small machine a spinning checker takes a core from the
                    // very threads (server, long-poll clients) whose latency it measures
                    LockSupport.parkNanos(200_000);
                }
                if (pending > 0) {
                    System.out.printf("change %d: %d instances did not apply it within 30 s%n", c + 1, pending);
                }
                List<Long> these = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    if (appliedAt[i] > 0) {
                        long ms = (appliedAt[i] - start) / 1_000_000;
                        these.add(ms);
                        latencies.add(ms);
                        byServer.get(serverOf[i]).add(ms);
                    }
                }
                System.out.printf("change %d: %s; %s%n", c + 1, summary(these), load());
            }
            long[] cpuPush1 = cpu(pids);
            System.out.printf("CONFIG PUSH %d instances on %d server(s) x %d changes: %s (target p99 <= 1000 ms); %s%n",
                    instances, urls.size(), changes, summary(latencies), load());
            if (urls.size() > 1) {
                for (int s = 0; s < urls.size(); s++) {
                    System.out.printf("  held by server %d%s: %s%n", s + 1,
                            s == urls.size() - 1 ? " (the change was made through it)" : " (the change reached it by NOTIFY)",
                            summary(byServer.get(s)));
                }
            }
            for (int s = 0; s < pids.size(); s++) {
                double heldK = instances / (double) urls.size() / 1000.0;
                double cpuSecs = (cpuPush1[s] - cpuPush0[s]) / 1e9;
                System.out.printf("server %d: %.2f CPU seconds for %d changes to %d held polls = %.0f ms CPU per change per 1,000 polls"
                                + " (%.0f%% of a core while pushing); %s%n", s + 1, cpuSecs, changes, instances / urls.size(),
                        1000 * cpuSecs / changes / heldK, 100 * cpuSecs / ((System.nanoTime() - push0) / 1e9), load());
            }
        } finally {
            starter.shutdownNow();
            java.util.Arrays.stream(heralds).parallel().filter(java.util.Objects::nonNull).forEach(Herald::close);
            if (local != null) {
                local.stop();
            }
        }
    }

    private static String summary(List<Long> latencies) {
        if (latencies.isEmpty()) {
            return "no instance applied it";
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format("p50 %d ms, p99 %d ms, max %d ms (%d applications)", sorted[sorted.length / 2],
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1], sorted[sorted.length - 1], sorted.length);
    }

    /** The 1, 5 and 15 minute load averages and the core count. */
    static String load() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return "load average " + f[0] + " " + f[1] + " " + f[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return String.format("load average %.2f on %d cores", os.getSystemLoadAverage(), os.getAvailableProcessors());
        }
    }

    /** Used heap of each server process after a full GC ({@code jcmd}), in bytes. */
    private static long[] heap(List<Long> pids) throws Exception {
        long[] used = new long[pids.size()];
        for (int i = 0; i < pids.size(); i++) {
            jcmd(pids.get(i), "GC.run");
            String info = jcmd(pids.get(i), "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
            used[i] = m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        }
        return used;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** CPU time (user + system) of each server process so far, in nanoseconds ({@code /proc/PID/stat}). */
    private static long[] cpu(List<Long> pids) throws IOException {
        long[] ns = new long[pids.size()];
        for (int i = 0; i < pids.size(); i++) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pids.get(i) + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command; clock ticks of 1/100 s
            ns[i] = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        }
        return ns;
    }

    /** Waits until the servers hold (nearly) every instance's poll, as their {@code herald_push_polls_held} gauges say. */
    private static void awaitHeld(HttpClient http, List<String> urls, int instances) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        long held = 0;
        while (System.nanoTime() < deadline) {
            held = 0;
            for (String url : urls) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus")).build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher m = Pattern.compile("(?m)^herald_push_polls_held(?:\\{[^}]*\\})? ([0-9.E+]+)").matcher(r.body());
                if (m.find()) {
                    held += (long) Double.parseDouble(m.group(1));
                }
            }
            if (held >= instances) {
                return;
            }
            Thread.sleep(100);
        }
        System.out.printf("only %d of %d polls held after 120 s%n", held, instances);
    }

    private record Setup(String app, String apiKey, long bindingId) {
    }

    /** An app with a topic and a binding whose type pattern the changes flip. */
    private static Setup setUp(HttpClient http, String url, String token) throws Exception {
        String app = "bench-" + Long.toString(System.currentTimeMillis(), 36);
        String created = call(http, "POST", url + "/api/v1/apps", token, "{\"name\":\"" + app + "\"}");
        String apiKey = field(created, "apiKey");
        call(http, "POST", url + "/api/v1/topics", token, "{\"name\":\"t-" + app + "\",\"app\":\"" + app
                + "\",\"partitions\":1,\"replicationFactor\":1,\"types\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
        String binding = call(http, "POST", url + "/api/v1/bindings", token, "{\"app\":\"" + app + "\",\"group\":\"g-" + app
                + "\",\"topic\":\"t-" + app + "\",\"kind\":\"DIRECT\",\"typePattern\":\"a\"}");
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(binding);
        if (!id.find()) {
            throw new IllegalStateException("no binding id in " + binding);
        }
        return new Setup(app, apiKey, Long.parseLong(id.group(1)));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static void change(HttpClient http, String url, String token, long bindingId, String pattern) throws Exception {
        call(http, "PATCH", url + "/api/v1/bindings/" + bindingId, token, "{\"typePattern\":\"" + pattern + "\"}");
    }

    private static String call(HttpClient http, String method, String url, String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Config long-poll and heartbeat endpoints of one app, nothing else. */
    private static final class LocalControlPlane {
        private static final Pattern SINCE = Pattern.compile("since=(\\d+)");
        private final String app;
        private final HttpServer server;
        private long version = 1;

        LocalControlPlane(String app) throws IOException {
            this.app = app;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/api/v1/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized void bump() {
            version++;
            notifyAll();
        }

        void stop() {
            synchronized (this) {
                version = Long.MAX_VALUE - 1;
                notifyAll();
            }
            server.stop(0);
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                if (!ex.getRequestURI().getPath().startsWith("/api/v1/config/")) {
                    ex.sendResponseHeaders(204, -1);
                    return;
                }
                String query = ex.getRequestURI().getQuery();
                Matcher m = SINCE.matcher(query == null ? "" : query);
                long since = m.find() ? Long.parseLong(m.group(1)) : 0;
                long v = await(since);
                if (v <= since) {
                    ex.sendResponseHeaders(304, -1);
                    return;
                }
                byte[] body = ("{\"app\":\"" + app + "\",\"version\":" + v + ",\"topics\":[],\"bindings\":[]}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        private synchronized long await(long since) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (version <= since && System.currentTimeMillis() < deadline) {
                try {
                    wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return version;
        }
    }

    private static final class NoTransport implements Transport {
        @Override
        public void publish(OutgoingRecord record, PublishCallback callback) {
            callback.onComplete(0, 0, record.timestamp(), null);
        }

        @Override
        public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
            throw new UnsupportedOperationException("no listeners in this benchmark");
        }

        @Override
        public void close() {
        }
    }
}
