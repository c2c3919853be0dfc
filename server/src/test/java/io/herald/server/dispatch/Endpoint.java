package io.herald.server.dispatch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real local HTTP endpoint (JDK server) that answers as a test scripts it and records every request. */
public final class Endpoint implements AutoCloseable {

    /** One request as received. */
    public record Received(long atNanos, Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    /** An answer: status and extra headers; {@code delayMillis} holds it back (a slow endpoint). */
    public record Answer(int status, Map<String, String> headers, long delayMillis, String body) {

        public Answer(int status, Map<String, String> headers, long delayMillis) {
            this(status, headers, delayMillis, null);
        }

        public static Answer status(int status) {
            return new Answer(status, Map.of(), 0);
        }
    }

    /** Chooses the answer to the n-th request (1-based). */
    public interface Script {
        Answer answer(int n, Received request);
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile Script script = (n, r) -> Answer.status(200);

    public Endpoint() {
        this(16);
    }

    public Endpoint(int threads) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/", this::handle);
        server.start();
    }

    public Endpoint script(Script s) {
        this.script = s;
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public int count() {
        return count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Received r = new Received(System.nanoTime(), Map.copyOf(exchange.getRequestHeaders()), body);
        received.add(r);
        Answer a = script.answer(count.incrementAndGet(), r);
        if (a.delayMillis() > 0) {
            // simulates a slow endpoint; the test itself waits with Awaitility
            java.util.concurrent.locks.LockSupport.parkNanos(a.delayMillis() * 1_000_000L);
        }
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        try {
            if (a.body() == null) {
                exchange.sendResponseHeaders(a.status(), -1);
            } else {
                byte[] out = a.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a.status(), out.length);
                exchange.getResponseBody().write(out);
            }
        } catch (IOException e) {
            // the dispatcher gave up waiting (timeout): nothing to answer to
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
