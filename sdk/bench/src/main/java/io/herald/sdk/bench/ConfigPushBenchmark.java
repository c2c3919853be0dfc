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
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a config change takes to be applied by many SDK instances in one JVM, each with its own
 * long-poll (issue target: p99 at most 1 s for 200 instances).
 *
 * <pre>
 * # against a small local control plane (the SDK side alone):
 * java -cp ... io.herald.sdk.bench.ConfigPushBenchmark --instances 200 --changes 20
 * # against a real Herald server: the app's key for the long-polls, and a request that changes its config
 * java -cp ... io.herald.sdk.bench.ConfigPushBenchmark --instances 200 --changes 20 \
 *      --control-plane http://127.0.0.1:8080 --app billing --api-key KEY \
 *      --change-method PATCH --change-url http://127.0.0.1:8080/api/v1/bindings/1 \
 *      --change-body '{"paused":false}' --admin-token TOKEN
 * </pre>
 *
 * Each instance runs with a transport that does nothing: Kafka plays no part in config push.
 */
public final class ConfigPushBenchmark {

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int instances = Integer.parseInt(args.getOrDefault("instances", "200"));
        int changes = Integer.parseInt(args.getOrDefault("changes", "20"));
        String app = args.getOrDefault("app", "bench");
        String apiKey = args.getOrDefault("api-key", "bench-key");
        LocalControlPlane local = args.containsKey("control-plane") ? null : new LocalControlPlane(app);
        String url = local != null ? local.url() : args.get("control-plane");
        HttpClient http = HttpClient.newHttpClient();

        List<Herald> heralds = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                heralds.add(Herald.builder().withAppName(app).withControlPlane(url, apiKey).withTransport(new NoTransport())
                        .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").withSetting(HeraldSettings.HEARTBEAT_INTERVAL_MS, 60_000)
                        .build().start());
            }
            System.out.printf("%d instances started against %s (config version %d)%n", instances, url,
                    heralds.get(0).configVersion());
            List<Long> latencies = new ArrayList<>();
            for (int c = 0; c < changes; c++) {
                Thread.sleep(300); // let every instance re-enter its long-poll
                long before = heralds.stream().mapToLong(Herald::configVersion).min().orElse(0);
                long start = System.nanoTime();
                if (local != null) {
                    local.bump();
                } else {
                    change(http, args);
                }
                long[] appliedAt = new long[instances];
                int pending = instances;
                long deadline = start + 30_000_000_000L;
                while (pending > 0 && System.nanoTime() < deadline) {
                    for (int i = 0; i < instances; i++) {
                        if (appliedAt[i] == 0 && heralds.get(i).configVersion() > before) {
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
                for (long t : appliedAt) {
                    if (t > 0) {
                        latencies.add((t - start) / 1_000_000);
                    }
                }
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("CONFIG PUSH %d instances x %d changes: p50 %d ms, p99 %d ms, max %d ms (target p99 <= 1000 ms)%n",
                    instances, changes, sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1],
                    sorted[sorted.length - 1]);
        } finally {
            heralds.parallelStream().forEach(Herald::close);
            if (local != null) {
                local.stop();
            }
        }
    }

    private static void change(HttpClient http, Map<String, String> args) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(args.get("change-url")))
                .header("Authorization", "Bearer " + args.get("admin-token"))
                .header("Content-Type", "application/json")
                .method(args.getOrDefault("change-method", "PATCH"),
                        HttpRequest.BodyPublishers.ofString(args.getOrDefault("change-body", "{}")))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("change answered " + response.statusCode() + ": " + response.body());
        }
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
