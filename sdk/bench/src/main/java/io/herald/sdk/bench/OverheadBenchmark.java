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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Herald's own cost per message, without a broker: the SDK over a transport that acknowledges
 * at once (send) or replays one record in a loop (listen). On a machine too busy for throughput
 * ratios this still shows what the SDK adds to each Kafka call.
 *
 * <pre>java -cp ... [-Dherald.tracing=false] io.herald.sdk.bench.OverheadBenchmark [count]</pre>
 */
public final class OverheadBenchmark {

    /** CPU time of the measuring thread: still meaningful when other work on the machine stretches wall time. */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        CapturingTransport transport = new CapturingTransport();
        try (Herald herald = Herald.builder().withAppName("bench").withTransport(transport)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").withMeterRegistry(new SimpleMeterRegistry())
                .withSetting(HeraldSettings.TRACING_ENABLED, System.getProperty("herald.tracing", "true")) // -Dherald.tracing=false
                .withSetting(HeraldSettings.TRACING_QUEUE_CAPACITY, System.getProperty("herald.tracing.queue", "65536"))
                .withSetting(HeraldSettings.REPLAY_ENABLED, false) // the capturing transport keeps one processor: the binding's
                .withConfigSnapshot(new ConfigSnapshot("bench", 1, List.of(new TopicConfig("t", 6, true,
                        List.of(new MessageTypeConfig("bench", null)))), List.of(), null))
                .build()) {
            byte[] payload = new byte[1024];
            MessageSender sender = herald.sender();
            AtomicLong done = new AtomicLong();
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                long cpu = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    sender.sendAsync("t", "bench", null, payload).whenComplete((r, e) -> done.incrementAndGet());
                }
                System.out.printf("send:   %.0f ns per message, %.0f ns of the caller's CPU (SDK only: checks, encoding, ids,"
                                  + " headers, future, meters), load %.2f%n", (System.nanoTime() - start) / (double) n,
                        (THREADS.getCurrentThreadCpuTime() - cpu) / (double) n,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            long[] handled = new long[1];
            herald.listen(Binding.fanout("t").withGroup("g"), byte[].class, m -> handled[0] += m.payload().length);
            herald.start();
            // the first message of a second is traced (the default sampling); most of a busy topic's are not
            IncomingRecord traced = transport.last;
            IncomingRecord untraced = withSampledFlag(traced, false);
            for (IncomingRecord record : List.of(traced, untraced)) {
                String which = record == traced ? "traced" : "untraced";
                for (int round = 0; round < 3; round++) {
                    long start = System.nanoTime();
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        transport.processor.process(record, transport);
                    }
                    System.out.printf("listen (%s): %.0f ns per message, %.0f ns of the caller's CPU (SDK only: type filter,"
                                      + " meters, Message, handler call, trace)%n", which,
                            (System.nanoTime() - start) / (double) n, (THREADS.getCurrentThreadCpuTime() - cpu) / (double) n);
                }
            }
        }
    }

    /** The record with its traceparent's sampled flag set to {@code sampled}. */
    private static IncomingRecord withSampledFlag(IncomingRecord r, boolean sampled) {
        Headers headers = new RecordHeaders();
        for (org.apache.kafka.common.header.Header h : r.headers()) {
            byte[] value = h.value().clone();
            if (h.key().equals("traceparent")) {
                value[value.length - 1] = (byte) (sampled ? '1' : '0');
            }
            headers.add(h.key(), value);
        }
        return new IncomingRecord() {
            public String topic() { return r.topic(); }
            public int partition() { return r.partition(); }
            public long offset() { return r.offset(); }
            public long timestamp() { return r.timestamp(); }
            public byte[] key() { return r.key(); }
            public byte[] value() { return r.value(); }
            public Headers headers() { return headers; }
        };
    }

    private static final class CapturingTransport implements Transport, DeliveryContext, Subscription {
        volatile IncomingRecord last;
        RecordProcessor processor;

        @Override
        public void publish(OutgoingRecord r, PublishCallback callback) {
            if (last == null) {
                Headers headers = new RecordHeaders(new java.util.ArrayList<>(r.headers()));
                last = new IncomingRecord() {
                    public String topic() { return r.topic(); }
                    public int partition() { return 0; }
                    public long offset() { return 0; }
                    public long timestamp() { return r.timestamp(); }
                    public byte[] key() { return r.key(); }
                    public byte[] value() { return r.value(); }
                    public Headers headers() { return headers; }
                };
            }
            callback.onComplete(0, 0, r.timestamp(), null);
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
