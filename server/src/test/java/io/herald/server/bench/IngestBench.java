package io.herald.server.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * HTTP ingestion throughput (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.herald.server.bench.IngestBench
 * </pre>
 * Targets: ≥ 5,000 events/s one event a request, ≥ 30,000 events/s in batches. Every request is
 * answered only after Kafka acknowledged (acks=all), with the payload checked against a JSON Schema.
 * The clients are lean HTTP/1.1 keep-alive connections ({@code -Dclients=64}, one blocking socket
 * each, TCP_NODELAY), so that the client's own cost stays small beside the server's on a small
 * machine; the baseline is a raw KafkaProducer with the publisher's settings sending the same
 * events with as many threads, measured in the same run. CPU per event is the whole process's
 * (client, server and the in-process broker). {@code -DsingleOnly=true -Drounds=3} profiles single
 * events alone and prints the CPU of each thread group per event.
 */
public final class IngestBench {

    private static final int CLIENTS = Integer.getInteger("clients", 64);
    private static final int SECONDS = Integer.getInteger("seconds", 10);
    private static final int BATCH = Integer.getInteger("batch", 250);
    /** Seconds of each warm-up: on a busy 2-core machine the JIT needs tens of seconds before the figures settle. */
    private static final int WARMUP = Integer.getInteger("warmup", 20);
    private static final String PAYLOAD = "{\"orderId\":\"o-123456\",\"amount\":42.5,\"currency\":\"EUR\",\"customer\":\"c-778899\"}";

    public static void main(String[] args) throws Exception {
        try (BenchServer server = new BenchServer()) {
            String key = server.api.post("/apps", Map.of("name", "bench")).json().get("apiKey").asString();
            server.api.post("/topics", Map.of("name", "ingest-bench-raw", "app", "bench", "partitions", 6, "replicationFactor", 1));
            server.api.post("/topics", Map.of("name", "ingest-bench", "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "order.created", "jsonSchema",
                            "{\"type\":\"object\",\"required\":[\"orderId\"],\"properties\":{\"orderId\":{\"type\":\"string\"}}}"))));
            String path = "/api/v1/topics/ingest-bench/events";
            AtomicLong ids = new AtomicLong();
            Request single = () -> request(server.port, path, key, "ce-specversion: 1.0\r\nce-id: e-" + ids.incrementAndGet()
                    + "\r\nce-source: /bench\r\nce-type: order.created\r\nContent-Type: application/json\r\n", PAYLOAD);
            Request batch = () -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < BATCH; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"b-").append(ids.incrementAndGet())
                            .append("\",\"source\":\"/bench\",\"type\":\"order.created\",\"data\":").append(PAYLOAD).append('}');
                }
                return request(server.port, path, key, "Content-Type: application/cloudevents-batch+json\r\n", sb.append(']').toString());
            };
            System.out.printf("load average before: %s%n", load());
            if (Boolean.getBoolean("singleOnly")) {
                profileSingle(server.port, single);
                System.exit(0);
            }
            run(server.port, single, 1, WARMUP, "warm-up single", 201);
            run(server.port, batch, BATCH, WARMUP / 2, "warm-up batch", 207);
            raw(1, 3, "warm-up raw");
            double single1 = run(server.port, single, 1, SECONDS, "single events (binary mode, " + CLIENTS + " clients)", 201);
            double raw1 = raw(1, SECONDS, "raw producer, send + wait for ack, " + CLIENTS + " threads");
            double batch1 = run(server.port, batch, BATCH, SECONDS, "batches of " + BATCH + " (" + CLIENTS + " clients)", 207);
            double rawBatch = raw(BATCH, SECONDS, "raw producer, " + BATCH + " sends + wait for all acks, " + CLIENTS + " threads");
            System.out.printf("ratio Herald / raw producer: single %.2f, batched %.2f%n", single1 / raw1, batch1 / rawBatch);
            System.out.println((single1 >= 5000 ? "single TARGET MET" : "single TARGET MISSED") + ", "
                    + (batch1 >= 30000 ? "batched TARGET MET" : "batched TARGET MISSED") + "   load average after: " + load());
        }
        System.exit(0);
    }

    /**
     * {@code -DsingleOnly=true [-Drounds=N]}: single events only, then the CPU each thread group
     * spent in the last round, to see where a request's time goes.
     */
    private static void profileSingle(int port, Request single) throws Exception {
        run(port, single, 1, WARMUP, "warm-up single", 201);
        for (int r = 0; r < Integer.getInteger("rounds", 1) - 1; r++) {
            run(port, single, 1, SECONDS, "single events, round " + (r + 1), 201);
        }
        Map<String, Long> before = threadCpu();
        long cpu = cpuNanos();
        double rate = run(port, single, 1, SECONDS, "single events (binary mode, " + CLIENTS + " clients)", 201);
        long total = cpuNanos() - cpu;
        Map<String, Long> after = threadCpu();
        after.replaceAll((k, v) -> v - before.getOrDefault(k, 0L));
        long threads = after.values().stream().mapToLong(Long::longValue).sum();
        double events = rate * SECONDS;
        after.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(12)
                .forEach(e -> System.out.printf("  %-60s %,8d ms  %.3f ms/event%n", e.getKey(), e.getValue() / 1_000_000,
                        e.getValue() / 1e6 / events));
        System.out.printf("  %-60s %,8d ms%n", "not in Java threads (JIT, GC)", (total - threads) / 1_000_000);
    }

    interface Request {
        byte[] next();
    }

    static byte[] request(int port, String path, String key, String headers, String body) {
        byte[] data = utf8(body);
        return utf8("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + key + "\r\n" + headers
                + "Content-Length: " + data.length + "\r\n\r\n" + body);
    }

    /** The same acknowledged writes without HTTP: a KafkaProducer with the publisher's settings, as many threads as clients. */
    static double raw(int perWait, int seconds, String name) throws Exception {
        byte[] payload = utf8(PAYLOAD);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of("bootstrap.servers", io.herald.server.support.TestInfra.kafkaBootstrap(), "acks", "all", "enable.idempotence", true,
                        "linger.ms", 2, "batch.size", 131072), new ByteArraySerializer(), new ByteArraySerializer())) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            AtomicLong events = new AtomicLong();
            long cpu = cpuNanos();
            long start = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                pool.execute(() -> {
                    while (System.nanoTime() < end) {
                        List<Future<RecordMetadata>> acks = new ArrayList<>(perWait);
                        for (int i = 0; i < perWait; i++) {
                            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("ingest-bench-raw", null, payload);
                            r.headers().add("ce_specversion", utf8("1.0")).add("ce_id", utf8("r-" + System.nanoTime()))
                                    .add("ce_source", utf8("bench")).add("ce_type", utf8("order.created"))
                                    .add("content-type", utf8("application/json"));
                            acks.add(p.send(r));
                        }
                        try {
                            for (Future<RecordMetadata> f : acks) {
                                f.get();
                            }
                            events.addAndGet(perWait);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(seconds + 120, TimeUnit.SECONDS);
            double took = (System.nanoTime() - start) / 1e9;
            double rate = events.get() / took;
            System.out.printf("%-55s %,10.0f events/s  cpu %.3f ms/event  load %s%n", name, rate,
                    (cpuNanos() - cpu) / 1e6 / Math.max(1, events.get()), load());
            return rate;
        }
    }

    static double run(int port, Request request, int perRequest, int seconds, String name, int expect) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong events = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        long[][] latencies = new long[CLIENTS][];
        long cpu = cpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            int me = c;
            pool.execute(() -> {
                long[] mine = new long[1 << 20];
                int n = 0;
                Connection conn = null;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    try {
                        if (conn == null) {
                            conn = new Connection(port);
                            connections.incrementAndGet();
                        }
                        Response r = conn.exchange(request.next());
                        if (r.status != expect || (expect == 207 && r.body.contains("\"status\":5"))) {
                            if (errors.incrementAndGet() == 1) {
                                System.out.println("first error: " + r.status + " " + r.body);
                            }
                        } else {
                            events.addAndGet(perRequest);
                        }
                        if (!r.keepAlive) {
                            conn.close();
                            conn = null;
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        if (conn != null) {
                            conn.close();
                        }
                        conn = null;
                    }
                    if (n < mine.length) {
                        mine[n++] = System.nanoTime() - t;
                    }
                }
                if (conn != null) {
                    conn.close();
                }
                latencies[me] = Arrays.copyOf(mine, n);
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120, TimeUnit.SECONDS);
        double took = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%-55s %,10.0f events/s  (%,d events in %.1f s, %d errors, %d connections)  request p50 %s  p99 %s"
                        + "  cpu %.3f ms/event  load %s%n", name, events.get() / took, events.get(), took, errors.get(), connections.get(),
                BenchServer.pct(all, 0.50), BenchServer.pct(all, 0.99), (cpuNanos() - cpu) / 1e6 / Math.max(1, events.get()), load());
        return events.get() / took;
    }

    record Response(int status, String body, boolean keepAlive) {
    }

    /** One kept-alive HTTP/1.1 connection: writes a whole request, reads the status line, headers and a Content-Length or chunked body. */
    static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
        }

        Response exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean keepAlive = true;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.equalsIgnoreCase("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    keepAlive = !value.equalsIgnoreCase("close");
                }
            }
            StringBuilder body = new StringBuilder();
            if (chunked) {
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                    line();
                }
                line();
            } else if (length > 0) {
                body.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            return new Response(code, body.toString(), keepAlive);
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                long c = mx.getThreadCpuTime(t.getThreadId());
                out.merge(t.getThreadName().replaceAll("[0-9]+", "#"), Math.max(0, c), Long::sum);
            }
        }
        return out;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String load() {
        return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
