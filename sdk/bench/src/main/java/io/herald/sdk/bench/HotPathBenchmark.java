package io.herald.sdk.bench;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.MessageSender;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.TracingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The SDK's hot paths under JMH, over a transport that does nothing (no broker): {@code encode} is
 * one {@code sendAsync} (catalog check, id, CloudEvents headers, traceparent, sampling, meters, the
 * future, its completion); {@code dispatch} is one delivery of a freshly fetched record (header
 * look-ups in place, ce_type routing, meters, {@code Message}, handler call, trace context). Beside
 * them the raw work a plain Kafka client's caller does for the same record ({@code encodeRaw}:
 * the same headers built by hand; {@code dispatchRaw}: {@code ce_type} and {@code traceparent} read
 * with {@code lastHeader}) and the cost of making the fetched record alone ({@code fetch}, included
 * in both dispatch figures). With {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per
 * operation: a regression shows in it even on a machine too busy for throughput figures.
 *
 * <pre>
 * mvn -pl sdk/bench -am -DskipTests package
 * java -cp "sdk/bench/target/herald-sdk-bench.jar:sdk/bench/target/lib/*" org.openjdk.jmh.Main HotPathBenchmark -prof gc
 * </pre>
 *
 * {@code tracing}: {@code default} is the control plane's default sampling (at most 100 traced
 * messages a second per topic, so nearly every operation here is untraced), {@code all} traces
 * every message, {@code off} is {@code herald.tracing.enabled=false}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class HotPathBenchmark {

    private static final byte[] PAYLOAD = new byte[1024];

    /** A Herald over the no-op transport, with one FANOUT listener, and a fetched record of each sampling. */
    @State(Scope.Thread)
    public static class Sdk {
        @Param({"default", "all", "off"})
        public String tracing;

        Herald herald;
        MessageSender sender;
        RecordProcessor processor;
        OverheadBenchmark.CapturingTransport transport;
        OverheadBenchmark.Fetched sampled;
        OverheadBenchmark.Fetched unsampled;
        long handled;

        @Setup(Level.Trial)
        public void start() {
            transport = new OverheadBenchmark.CapturingTransport();
            herald = Herald.builder().withAppName("bench").withTransport(transport)
                    .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").withMeterRegistry(new SimpleMeterRegistry())
                    .withSetting(HeraldSettings.TRACING_ENABLED, !tracing.equals("off"))
                    .withSetting(HeraldSettings.TRACING_QUEUE_CAPACITY, 65536)
                    .withSetting(HeraldSettings.REPLAY_ENABLED, false)
                    .withConfigSnapshot(new ConfigSnapshot("bench", 1, List.of(new TopicConfig("t", 6, true,
                            List.of(new MessageTypeConfig("bench", null)))), List.of(),
                            tracing.equals("all") ? new TracingConfig(1.0, Map.of(), 0) : null))
                    .build();
            sender = herald.sender();
            sender.sendAsync("t", "bench", null, PAYLOAD).join();
            herald.listen(Binding.fanout("t").withGroup("g"), byte[].class, m -> handled += m.payload().length);
            herald.start();
            processor = transport.processor;
            sampled = new OverheadBenchmark.Fetched(transport.last, true);
            unsampled = new OverheadBenchmark.Fetched(transport.last, false);
        }

        @TearDown(Level.Trial)
        public void stop() {
            herald.close();
        }
    }

    /** The counter the raw benchmarks' records are numbered by, and a fetched record for them. */
    @State(Scope.Thread)
    public static class Raw {
        int i;
        OverheadBenchmark.Fetched record;
        Herald herald;

        @Setup(Level.Trial)
        public void start() {
            OverheadBenchmark.CapturingTransport transport = new OverheadBenchmark.CapturingTransport();
            herald = Herald.builder().withAppName("bench").withTransport(transport)
                    .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").withSetting(HeraldSettings.TRACING_ENABLED, false)
                    .withSetting(HeraldSettings.REPLAY_ENABLED, false)
                    .withConfigSnapshot(new ConfigSnapshot("bench", 1, List.of(new TopicConfig("t", 6, true,
                            List.of(new MessageTypeConfig("bench", null)))), List.of(), null))
                    .build();
            herald.sender().sendAsync("t", "bench", null, PAYLOAD).join();
            record = new OverheadBenchmark.Fetched(transport.last, false);
        }

        @TearDown(Level.Trial)
        public void stop() {
            herald.close();
        }
    }

    @Benchmark
    public Object encode(Sdk s) {
        return s.sender.sendAsync("t", "bench", null, PAYLOAD);
    }

    @Benchmark
    public Object encodeRaw(Raw r) {
        return OverheadBenchmark.rawHeaders(r.i++);
    }

    /** A record whose sender did not trace it (the common case under the default sampling). */
    @Benchmark
    public void dispatch(Sdk s) {
        s.processor.process(s.unsampled.fresh(), s.transport);
    }

    /** A record its sender traced: the listener records RECEIVED+HANDLED when tracing is on. */
    @Benchmark
    public void dispatchTraced(Sdk s) {
        s.processor.process(s.sampled.fresh(), s.transport);
    }

    @Benchmark
    public void dispatchRaw(Raw r, Blackhole bh) {
        IncomingRecord rec = r.record.fresh();
        Header type = rec.headers().lastHeader("ce_type");
        Header tp = rec.headers().lastHeader("traceparent");
        bh.consume(rec.value().length);
        bh.consume(type == null ? null : type.value());
        bh.consume(tp == null ? null : tp.value());
    }

    /** Making the fetched record alone (Kafka's fetcher does as much): part of both dispatch figures. */
    @Benchmark
    public Object fetch(Raw r) {
        return r.record.fresh();
    }
}
