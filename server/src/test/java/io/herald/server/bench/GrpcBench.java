package io.herald.server.bench;

import com.google.rpc.Code;
import io.cloudevents.v1.proto.CloudEvent;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.DispatchRequest;
import io.herald.proto.v1.DispatchResponse;
import io.herald.proto.v1.DispatcherGrpc;
import io.herald.proto.v1.EventResult;
import io.herald.proto.v1.IngestGrpc;
import io.herald.proto.v1.PublishRequest;
import io.herald.server.support.TestInfra;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * gRPC ingestion and gRPC push throughput (on demand, not part of the test suite):
 * <pre>
 * mvn -q -pl server -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/herald-cp.txt -Dmdep.includeScope=test
 * (cd server &amp;&amp; java -cp target/test-classes:target/classes:$(cat /tmp/herald-cp.txt) io.herald.server.bench.GrpcBench)
 * </pre>
 * In one run against one server: gRPC unary {@code Publish} ({@code -Dclients=64} threads), gRPC
 * {@code PublishStream} ({@code -Dstreams=4}, each with {@code -Dwindow=1000} events under way),
 * HTTP single-event ingestion (IngestBench's lean keep-alive clients) and a raw KafkaProducer
 * (send + wait for the ack, as many threads). Every event is checked against a JSON Schema and
 * answered after {@code acks=all}. Then gRPC push: a processor with {@code -Dconcurrency=32} calls a
 * local no-op {@code Dispatch} for {@code -Dmessages=100000} records (written by a plain producer, so the
 * dispatcher samples their traces itself: the default rate within {@code herald.trace.max-sampled-per-second}).
 * {@code -DpushOnly=true} runs only the push part. Targets: streaming ≥ 2× HTTP single events; push ≥ 5,000 msg/s.
 * Beside each rate: the CPU this JVM spent per event (server, in-process Kafka broker and clients together)
 * and the load average, since on a shared machine the rate says more about the neighbours than about Herald.
 */
public final class GrpcBench {

    private static final int CLIENTS = Integer.getInteger("clients", 64);
    private static final int STREAMS = Integer.getInteger("streams", 4);
    private static final int WINDOW = Integer.getInteger("window", 1000);
    private static final int SECONDS = Integer.getInteger("seconds", 10);
    private static final int WARMUP = Integer.getInteger("warmup", 15);
    private static final int MESSAGES = Integer.getInteger("messages", 100_000);
    private static final int CONCURRENCY = Integer.getInteger("concurrency", 32);
    /** {@code -DpushOnly=true}: only the push benchmark (no ingestion runs before it). */
    private static final boolean PUSH_ONLY = Boolean.getBoolean("pushOnly");
    private static final String PAYLOAD = "{\"orderId\":\"o-123456\",\"amount\":42.5,\"currency\":\"EUR\",\"customer\":\"c-778899\"}";

    public static void main(String[] args) throws Exception {
        int grpcPort;
        try (ServerSocket s = new ServerSocket(0)) {
            grpcPort = s.getLocalPort();
        }
        try (BenchServer server = new BenchServer("--herald.grpc.port=" + grpcPort)) {
            String key = server.api.post("/apps", Map.of("name", "bench")).json().get("apiKey").asString();
            server.api.post("/topics", Map.of("name", "ingest-bench-raw", "app", "bench", "partitions", 6, "replicationFactor", 1));
            server.api.post("/topics", Map.of("name", "ingest-bench", "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "order.created", "jsonSchema",
                            "{\"type\":\"object\",\"required\":[\"orderId\"],\"properties\":{\"orderId\":{\"type\":\"string\"}}}"))));
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                channels.add(NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
                        .intercept(MetadataUtils.newAttachHeadersInterceptor(md)).build());
            }
            AtomicLong ids = new AtomicLong();
            String path = "/api/v1/topics/ingest-bench/events";
            IngestBench.Request single = () -> IngestBench.request(server.port, path, key, "ce-specversion: 1.0\r\nce-id: e-"
                    + ids.incrementAndGet() + "\r\nce-source: /bench\r\nce-type: order.created\r\nContent-Type: application/json\r\n", PAYLOAD);
            System.out.printf("load average before: %s%n", IngestBench.load());
            if (PUSH_ONLY) {
                channels.forEach(ManagedChannel::shutdownNow);
                double push = push(server);
                System.out.println((push >= 5000 ? "push TARGET MET: >= 5,000 msg/s" : "push TARGET MISSED") + "   load average after: "
                        + IngestBench.load());
                server.close();
                System.exit(0);
            }

            unary(channels, ids, WARMUP, "warm-up gRPC unary");
            stream(channels, ids, WARMUP / 2, "warm-up gRPC stream");
            IngestBench.run(server.port, single, 1, WARMUP / 2, "warm-up HTTP single", 201);
            double unary = unary(channels, ids, SECONDS, "gRPC Publish (unary, " + CLIENTS + " threads)");
            double stream = stream(channels, ids, SECONDS, "gRPC PublishStream (" + STREAMS + " streams, window " + WINDOW + ")");
            double http = IngestBench.run(server.port, single, 1, SECONDS, "HTTP single events (binary mode, " + CLIENTS + " clients)", 201);
            double raw = IngestBench.raw(1, SECONDS, "raw producer, send + wait for ack, " + CLIENTS + " threads");
            System.out.printf("ratio to HTTP single: gRPC unary %.2f, gRPC stream %.2f;  gRPC stream / raw producer %.2f%n",
                    unary / http, stream / http, stream / raw);
            System.out.println(stream >= 2 * http ? "ingestion TARGET MET: stream >= 2x HTTP single" : "ingestion TARGET MISSED");
            channels.forEach(ManagedChannel::shutdownNow);

            double push = push(server);
            System.out.println((push >= 5000 ? "push TARGET MET: >= 5,000 msg/s" : "push TARGET MISSED") + "   load average after: "
                    + IngestBench.load());
        }
        System.exit(0);
    }

    private static PublishRequest request(AtomicLong ids) {
        return PublishRequest.newBuilder().setTopic("ingest-bench").setEvent(CloudEvent.newBuilder().setSpecVersion("1.0")
                .setId("g-" + ids.incrementAndGet()).setSource("/bench").setType("order.created")
                .putAttributes("datacontenttype", CloudEvent.CloudEventAttributeValue.newBuilder().setCeString("application/json").build())
                .setTextData(PAYLOAD)).build();
    }

    private static double unary(List<ManagedChannel> channels, AtomicLong ids, int seconds, String name) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong events = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long cpu = IngestBench.cpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            IngestGrpc.IngestBlockingStub stub = IngestGrpc.newBlockingStub(channels.get(c % channels.size()));
            pool.execute(() -> {
                while (System.nanoTime() < end) {
                    try {
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).publish(request(ids));
                        events.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (errors.incrementAndGet() == 1) {
                            System.out.println("first error: " + e);
                        }
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120, TimeUnit.SECONDS);
        return report(name, events.get(), start, cpu, errors.get());
    }

    private static double stream(List<ManagedChannel> channels, AtomicLong ids, int seconds, String name) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong events = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long cpu = IngestBench.cpuNanos();
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            IngestGrpc.IngestStub stub = IngestGrpc.newStub(channels.get(s % channels.size()));
            Thread t = new Thread(() -> {
                Semaphore window = new Semaphore(WINDOW);
                CountDownLatch closed = new CountDownLatch(1);
                StreamObserver<PublishRequest> in = stub.publishStream(new StreamObserver<>() {
                    public void onNext(EventResult r) {
                        if (r.getCode() == Code.OK) {
                            events.incrementAndGet();
                        } else if (errors.incrementAndGet() == 1) {
                            System.out.println("first error: " + r);
                        }
                        window.release();
                    }

                    public void onError(Throwable e) {
                        System.out.println("stream failed: " + e);
                        closed.countDown();
                    }

                    public void onCompleted() {
                        closed.countDown();
                    }
                });
                try {
                    while (System.nanoTime() < end) {
                        window.acquire();
                        in.onNext(request(ids));
                    }
                    in.onCompleted();
                    closed.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            senders.add(t);
        }
        for (Thread t : senders) {
            t.join();
        }
        return report(name, events.get(), start, cpu, errors.get());
    }

    private static double report(String name, long events, long start, long cpu, int errors) {
        double took = (System.nanoTime() - start) / 1e9;
        double rate = events / took;
        System.out.printf("%-55s %,10.0f events/s  (%,d events in %.1f s, %d errors)  cpu %.3f ms/event  load %s%n", name, rate, events,
                took, errors, (IngestBench.cpuNanos() - cpu) / 1e6 / Math.max(1, events), IngestBench.load());
        return rate;
    }

    /** A processor with protocol GRPC on {@code MESSAGES} records, to a no-op Dispatch in this JVM. */
    private static double push(BenchServer server) throws Exception {
        AtomicLong hits = new AtomicLong();
        // a no-op handler runs on the transport's thread (directExecutor), as a lean Dispatch service would
        Server dispatcher = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(new DispatcherGrpc.DispatcherImplBase() {
                    @Override
                    public void dispatch(DispatchRequest request, StreamObserver<DispatchResponse> response) {
                        hits.incrementAndGet();
                        response.onNext(DispatchResponse.getDefaultInstance());
                        response.onCompleted();
                    }
                }).build().start();
        try {
            String topic = "grpc-push-bench-" + Long.toString(System.nanoTime(), 36);
            server.api.post("/topics", Map.of("name", topic, "app", "bench", "partitions", 6, "replicationFactor", 1,
                    "types", List.of(Map.of("name", "order.created"))));
            byte[] payload = PAYLOAD.getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", TestInfra.kafkaBootstrap(),
                    "linger.ms", 5, "batch.size", 262144), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < MESSAGES; i++) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, ("k" + (i % 10_000)).getBytes(), payload);
                    r.headers().add("ce_specversion", "1.0".getBytes()).add("ce_id", ("m-" + i).getBytes())
                            .add("ce_source", "bench".getBytes()).add("ce_type", "order.created".getBytes())
                            .add("content-type", "application/json".getBytes());
                    p.send(r);
                }
                p.flush();
            }
            long binding = server.api.post("/bindings", Map.of("app", "bench", "group", "grpc-push-bench", "topic", topic,
                    "kind", "FANOUT")).json().get("id").asLong();
            long start = System.nanoTime();
            var created = server.api.post("/processors", Map.of("bindingId", binding, "protocol", "GRPC",
                    "address", "127.0.0.1:" + dispatcher.getPort(), "concurrency", CONCURRENCY, "timeoutMillis", 5000,
                    "retryCount", 3, "retryIntervalMillis", 100));
            if (created.status() != 201) {
                System.out.println("processor refused: " + created);
                return 0;
            }
            long firstAt = 0;
            long cpu = 0;
            while (hits.get() < MESSAGES && System.nanoTime() - start < 300e9) {
                if (firstAt == 0 && hits.get() > 0) {
                    firstAt = System.nanoTime();
                    cpu = IngestBench.cpuNanos();
                }
                LockSupport.parkNanos(1_000_000L);
            }
            double took = (System.nanoTime() - firstAt) / 1e9;
            double rate = hits.get() / took;
            // CPU of this whole JVM (server, Kafka broker, the Dispatch server) per pushed message: less at the mercy of other load
            System.out.printf("%-55s %,10.0f msg/s  (%,d pushed in %.1f s after the first)  cpu %.3f ms/msg  load %s%n",
                    "Herald gRPC push (concurrency " + CONCURRENCY + ", no-op Dispatch)", rate, hits.get(), took,
                    (IngestBench.cpuNanos() - cpu) / 1e6 / Math.max(1, hits.get()), IngestBench.load());
            return rate;
        } finally {
            dispatcher.shutdownNow();
        }
    }
}
