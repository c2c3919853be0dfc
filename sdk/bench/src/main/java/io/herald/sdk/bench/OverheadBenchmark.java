package io.herald.sdk.bench;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.MessageSender;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.TracingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Herald's own cost per message, without a broker: the SDK over a transport that acknowledges
 * at once (send) or hands it freshly "fetched" records (listen), beside a raw loop doing by hand
 * what a raw Kafka client's caller does for the same record: for a send, building the same
 * CloudEvents headers (ids, traceparent, header list); for a delivery, reading {@code ce_type} and
 * {@code traceparent}. Each line gives wall time, the measuring thread's CPU time and the bytes it
 * allocated per message (the no-op transport runs on that thread, so nothing escapes the figure),
 * and "beyond raw" subtracts the raw loop. CPU time and bytes stay meaningful on a machine too
 * busy for throughput ratios.
 *
 * <p>A delivery's record is built the way Kafka's fetcher builds it (each header a
 * {@link RecordHeader} over slices of the fetched bytes, decoded on first use), anew for every
 * delivery; that building is measured alone ("fetch") and subtracted from both.
 *
 * <pre>java -cp ... [-Dherald.tracing=false] [-Dherald.sample=all] io.herald.sdk.bench.OverheadBenchmark [count]</pre>
 *
 * {@code -Dherald.sample=all} traces every message (the default is the control plane's default
 * sampling, at most 100 traced messages a second per topic: nearly all of them untraced here).
 */
public final class OverheadBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Where results go so that the JIT cannot drop the work (plain fields: no fence per message). */
    static Object sink;
    static long sinkLong;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        boolean all = "all".equals(System.getProperty("herald.sample"));
        CapturingTransport transport = new CapturingTransport();
        try (Herald herald = Herald.builder().withAppName("bench").withTransport(transport)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").withMeterRegistry(new SimpleMeterRegistry())
                .withSetting(HeraldSettings.TRACING_ENABLED, System.getProperty("herald.tracing", "true")) // -Dherald.tracing=false
                .withSetting(HeraldSettings.TRACING_QUEUE_CAPACITY, System.getProperty("herald.tracing.queue", "65536"))
                .withSetting(HeraldSettings.REPLAY_ENABLED, false) // the capturing transport keeps one processor: the binding's
                .withConfigSnapshot(new ConfigSnapshot("bench", 1, List.of(new TopicConfig("t", 6, true,
                        List.of(new MessageTypeConfig("bench", null)))), List.of(),
                        all ? new TracingConfig(1.0, Map.of(), 0) : null))
                .build()) {
            System.out.printf("Herald overhead over a no-op transport, %,d messages a round, tracing %s, sampling %s, load %.2f%n",
                    n, System.getProperty("herald.tracing", "true"), all ? "every message" : "default (100 a second per topic)",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            byte[] payload = new byte[1024];
            MessageSender sender = herald.sender();
            for (int round = 0; round < 3; round++) {
                Figures raw = measure(n, i -> sink = rawHeaders(i));
                Figures sdk = measure(n, i -> sink = sender.sendAsync("t", "bench", null, payload));
                check(sink);
                print("send", sdk, raw, "raw: the same headers built by hand");
            }
            long[] handled = new long[1];
            herald.listen(Binding.fanout("t").withGroup("g"), byte[].class, m -> handled[0] += m.payload().length);
            herald.start();
            Fetched traced = new Fetched(transport.last, true);
            Fetched untraced = new Fetched(transport.last, false);
            RecordProcessor processor = transport.processor;
            for (Fetched record : List.of(traced, untraced)) {
                String which = record == traced ? "listen (traced by its sender)" : "listen (untraced)";
                for (int round = 0; round < 3; round++) {
                    Figures fetch = measure(n, i -> sink = record.fresh());
                    Figures raw = measure(n, i -> {
                        IncomingRecord r = record.fresh();
                        Header type = r.headers().lastHeader("ce_type");
                        Header tp = r.headers().lastHeader("traceparent");
                        sinkLong += r.value().length + (type == null ? 0 : type.value().length)
                                    + (tp == null ? 0 : tp.value().length);
                    });
                    Figures sdk = measure(n, i -> processor.process(record.fresh(), transport));
                    print(which, sdk.minus(fetch), raw.minus(fetch), "raw: ce_type and traceparent read with lastHeader");
                }
            }
            sink = handled[0];
        }
    }

    private static void check(Object last) {
        if (last instanceof CompletableFuture<?> f && (!f.isDone() || f.isCompletedExceptionally())) {
            throw new IllegalStateException("the no-op transport did not acknowledge: " + f);
        }
    }

    /** Per message: wall ns, CPU ns and bytes allocated by this thread; GC collections over the round. */
    record Figures(double wallNs, double cpuNs, double bytes, long gcs) {
        Figures minus(Figures base) {
            return new Figures(wallNs - base.wallNs, cpuNs - base.cpuNs, bytes - base.bytes, gcs);
        }
    }

    interface Body {
        void run(int i);
    }

    static Figures measure(int n, Body body) {
        long gc = gcCount();
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            body.run(i);
        }
        long wall = System.nanoTime() - start;
        long cpuUsed = THREADS.getCurrentThreadCpuTime() - cpu;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - bytes;
        return new Figures(wall / (double) n, cpuUsed / (double) n, allocated / (double) n, gcCount() - gc);
    }

    static long gcCount() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionCount());
        }
        return sum;
    }

    private static void print(String what, Figures sdk, Figures raw, String rawIs) {
        System.out.printf("%-30s herald %5.0f ns (CPU %5.0f ns) %5.0f B   raw %5.0f ns (CPU %5.0f ns) %5.0f B"
                          + "   beyond raw: CPU %+5.0f ns, %+4.0f B per message   (%s; GCs %d)   load %.2f%n",
                what + ":", sdk.wallNs, sdk.cpuNs, sdk.bytes, raw.wallNs, raw.cpuNs, raw.bytes, sdk.cpuNs - raw.cpuNs,
                sdk.bytes - raw.bytes, rawIs, sdk.gcs, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static final byte[] ID_TEMPLATE = "0195f3c2-7b1e-7000-8000-000000000000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRACEPARENT_TEMPLATE = "00-0195f3c27b1e70008000000000000000-b7ad6b7169203331-01"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Header SPEC = new RecordHeader("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
    private static final Header SOURCE = new RecordHeader("ce_source", "bench".getBytes(StandardCharsets.UTF_8));
    private static final Header CONTENT = new RecordHeader("content-type", "application/octet-stream".getBytes(StandardCharsets.UTF_8));
    private static final Header TYPE = new RecordHeader("ce_type", "bench".getBytes(StandardCharsets.UTF_8));

    /** What HeraldBenchmark's "raw + same headers" producer builds per record before {@code producer.send}. */
    static List<Header> rawHeaders(int i) {
        byte[] id = ID_TEMPLATE.clone();
        byte[] tp = TRACEPARENT_TEMPLATE.clone();
        for (int j = 35, k = 34, v = i; v != 0; j--, k--, v >>>= 4) {
            id[j] = HEX[v & 0xF];
            tp[k] = HEX[v & 0xF];
        }
        ArrayList<Header> headers = new ArrayList<>(6);
        headers.add(SPEC);
        headers.add(SOURCE);
        headers.add(CONTENT);
        headers.add(new RecordHeader("ce_id", id));
        headers.add(new RecordHeader("traceparent", tp));
        headers.add(TYPE);
        return headers;
    }

    /**
     * A record as Kafka's fetcher makes it, made anew for each delivery: every header's name and
     * value are slices of one fetched buffer, decoded by {@link RecordHeader} on first use.
     */
    static final class Fetched {
        private final IncomingRecord template;
        private final ByteBuffer[] keys;
        private final ByteBuffer[] values;

        /** @param sampled the traceparent's sampled flag to set */
        Fetched(IncomingRecord r, boolean sampled) {
            List<Header> headers = new ArrayList<>();
            r.headers().forEach(headers::add);
            keys = new ByteBuffer[headers.size()];
            values = new ByteBuffer[headers.size()];
            for (int i = 0; i < headers.size(); i++) {
                Header h = headers.get(i);
                byte[] value = h.value().clone();
                if (h.key().equals("traceparent")) {
                    value[value.length - 1] = (byte) (sampled ? '1' : '0');
                }
                byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
                byte[] fetched = new byte[name.length + value.length + 4];
                System.arraycopy(name, 0, fetched, 2, name.length);
                System.arraycopy(value, 0, fetched, 2 + name.length, value.length);
                keys[i] = ByteBuffer.wrap(fetched, 2, name.length).slice();
                values[i] = ByteBuffer.wrap(fetched, 2 + name.length, value.length).slice();
            }
            template = r;
        }

        IncomingRecord fresh() {
            ArrayList<Header> list = new ArrayList<>(keys.length);
            for (int i = 0; i < keys.length; i++) {
                list.add(new RecordHeader(keys[i], values[i])); // RecordHeader reads the buffers without moving them
            }
            Headers headers = new RecordHeaders(list);
            IncomingRecord r = template;
            return new IncomingRecord() {
                public String topic() { return r.topic(); }
                public int partition() { return 0; }
                public long offset() { return 0; }
                public long timestamp() { return r.timestamp(); }
                public byte[] key() { return r.key(); }
                public byte[] value() { return r.value(); }
                public Headers headers() { return headers; }
            };
        }
    }

    static final class CapturingTransport implements Transport, DeliveryContext, Subscription {
        volatile IncomingRecord last;
        RecordProcessor processor;

        @Override
        public void publish(OutgoingRecord r, PublishCallback callback) {
            publish(r.topic(), r.key(), r.value(), r.timestamp(), r.headers().toArray(new Header[0]), callback);
        }

        /** What Herald's sender calls: keeps the first record (for the listen part), acknowledges at once. */
        @Override
        public void publish(String topic, byte[] key, byte[] value, long timestamp, Header[] h, PublishCallback callback) {
            if (last == null) {
                Headers headers = new RecordHeaders(h.clone());
                last = new IncomingRecord() {
                    public String topic() { return topic; }
                    public int partition() { return 0; }
                    public long offset() { return 0; }
                    public long timestamp() { return timestamp; }
                    public byte[] key() { return key; }
                    public byte[] value() { return value; }
                    public Headers headers() { return headers; }
                };
            }
            callback.onComplete(0, 0, timestamp, null);
        }

        @Override
        public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
            this.processor = processor;
            return this;
        }

        @Override
        public void close() {
        }

        public boolean awaitBackoff(long millis) { return true; }
        public boolean isStopping() { return false; }
        public void pause() { }
        public void resume() { }
        public boolean isPaused() { return false; }
        public long lag() { return 0; }
        public void close(Duration timeout) { }
    }
}
