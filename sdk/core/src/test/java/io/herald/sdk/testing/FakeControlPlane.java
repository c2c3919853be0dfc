package io.herald.sdk.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.Heartbeat;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.TracingConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A small real HTTP control plane serving the SDK's contract ({@code /api/v1/config/{app}} long-poll,
 * {@code /clients/heartbeat}, {@code /bindings}) from an in-memory catalog of one app. It can be
 * stopped and started again on the same port to test the SDK's behaviour while it is away.
 */
public final class FakeControlPlane implements AutoCloseable {

    private final String app;
    private final String apiKey;
    private final long holdMillis;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, TopicConfig> topics = new LinkedHashMap<>();
    private final List<BindingConfig> bindings = new ArrayList<>();
    private final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private long version = 1;
    private long nextId = 1;
    private int port;
    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean stopped;

    private FakeControlPlane(String app, String apiKey, long holdMillis) {
        this.app = app;
        this.apiKey = apiKey;
        this.holdMillis = holdMillis;
    }

    public static FakeControlPlane start(String app, String apiKey) {
        FakeControlPlane cp = new FakeControlPlane(app, apiKey, 30_000);
        cp.listen(0);
        return cp;
    }

    private synchronized void listen(int onPort) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        port = server.getAddress().getPort();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-control-plane");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/v1/", this::handle);
        stopped = false;
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String apiKey() {
        return apiKey;
    }

    /** Simulates an outage: the port refuses connections; the catalog is kept. */
    public void stop() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /** Comes back on the same port. */
    public void restart() {
        listen(port);
    }

    @Override
    public void close() {
        if (!stopped) {
            stop();
        }
    }

    // ---- catalog changes (each bumps the version and wakes long-polls) ----

    public synchronized void topic(String name, boolean canProduce, MessageTypeConfig... types) {
        topics.put(name, new TopicConfig(name, 1, canProduce, List.of(types)));
        bump();
    }

    public synchronized BindingConfig addBinding(String group, String topic, String kind, String typePattern) {
        BindingConfig b = new BindingConfig(nextId++, group, topic, kind, typePattern, 3, 100, 2.0, 1_000, null, false, 1,
                topic + "." + group + ".dlt", false);
        bindings.add(b);
        bump();
        return b;
    }

    public synchronized BindingConfig updateBinding(long id, UnaryOperator<BindingConfig> change) {
        for (int i = 0; i < bindings.size(); i++) {
            if (bindings.get(i).id() == id) {
                BindingConfig updated = change.apply(bindings.get(i));
                bindings.set(i, updated);
                bump();
                return updated;
            }
        }
        throw new IllegalArgumentException("no binding " + id);
    }

    /** The only binding of (group, topic). */
    public synchronized BindingConfig binding(String group, String topic) {
        List<BindingConfig> found = bindings.stream().filter(b -> b.group().equals(group) && b.topic().equals(topic)).toList();
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " bindings for " + group + "/" + topic);
        }
        return found.get(0);
    }

    public synchronized void removeBinding(long id) {
        bindings.removeIf(b -> b.id() == id);
        bump();
    }

    public synchronized List<BindingConfig> bindings() {
        return List.copyOf(bindings);
    }

    public synchronized long version() {
        return version;
    }

    public List<Heartbeat> heartbeats() {
        return List.copyOf(heartbeats);
    }

    /** "METHOD path" of every request served. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public synchronized ConfigSnapshot snapshot() {
        return new ConfigSnapshot(app, version, List.copyOf(topics.values()), List.copyOf(bindings), TracingConfig.DEFAULT);
    }

    private void bump() {
        version++;
        notifyAll();
    }

    // ---- HTTP ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            requests.add(method + " " + path);
            if (!Objects.equals(ex.getRequestHeaders().getFirst("Authorization"), "Bearer " + apiKey)) {
                problem(ex, 401, "Unauthorized", "missing or wrong API key");
                return;
            }
            if (method.equals("GET") && path.equals("/api/v1/config/" + app)) {
                String query = ex.getRequestURI().getQuery();
                long since = query != null && query.startsWith("since=") ? Long.parseLong(query.substring(6)) : 0;
                ConfigSnapshot snapshot = awaitNewer(since);
                if (snapshot == null) {
                    ex.sendResponseHeaders(304, -1);
                } else {
                    json(ex, 200, snapshot);
                }
            } else if (method.equals("POST") && path.equals("/api/v1/clients/heartbeat")) {
                heartbeats.add(mapper.readValue(ex.getRequestBody(), Heartbeat.class));
                ex.sendResponseHeaders(204, -1);
            } else if (method.equals("POST") && path.equals("/api/v1/bindings")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> body = mapper.readValue(ex.getRequestBody(), Map.class);
                register(ex, body);
            } else {
                problem(ex, 404, "Not Found", path);
            }
        }
    }

    private synchronized ConfigSnapshot awaitNewer(long since) {
        long deadline = System.currentTimeMillis() + holdMillis;
        while (version <= since && !stopped) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return stopped ? null : snapshot();
    }

    private void register(HttpExchange ex, Map<String, Object> body) throws IOException {
        BindingConfig created;
        synchronized (this) {
            String group = (String) body.get("group");
            String topic = (String) body.get("topic");
            String kind = (String) body.get("kind");
            String pattern = (String) body.getOrDefault("typePattern", "");
            boolean exists = bindings.stream().anyMatch(b -> b.group().equals(group) && b.topic().equals(topic)
                    && b.kind().equals(kind) && Objects.equals(b.typePattern(), pattern));
            if (exists) {
                created = null;
            } else {
                Number expiry = (Number) body.get("expiryMillis");
                created = new BindingConfig(nextId++, group, topic, kind, pattern,
                        ((Number) body.get("deliveryLimit")).intValue(), ((Number) body.get("backoffMillis")).longValue(),
                        ((Number) body.get("backoffMultiplier")).doubleValue(),
                        ((Number) body.get("backoffMaxMillis")).longValue(), expiry == null ? null : expiry.longValue(),
                        Boolean.TRUE.equals(body.get("paused")), ((Number) body.get("concurrency")).intValue(),
                        topic + "." + group + ".dlt", false);
                bindings.add(created);
                bump();
            }
        }
        if (created == null) {
            problem(ex, 409, "Conflict", "binding exists");
        } else {
            Map<String, Object> out = new LinkedHashMap<>(mapper.convertValue(created, Map.class));
            out.put("app", body.get("app"));
            json(ex, 201, out);
        }
    }

    private void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void problem(HttpExchange ex, int status, String title, String detail) throws IOException {
        byte[] bytes = ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                        + detail.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/problem+json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
