package io.herald.sdk.bench;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.MessageSender;
import io.herald.sdk.SendResult;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.TracingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Herald SDK against raw Kafka clients with identical settings, in the same run, on the same broker.
 *
 * <pre>
 * mvn -pl sdk/bench -am -DskipTests package
 * java -cp "sdk/bench/target/herald-sdk-bench.jar:sdk/bench/target/lib/*" io.herald.sdk.bench.HeraldBenchmark \
 *      --bootstrap 127.0.0.1:19092 --records 1000000
 * </pre>
 *
 * Send: 1 KiB byte[] payloads, acks=all, idempotent, linger.ms=5, batch.size=16384, no key,
 * 6 partitions; the SDK with its default settings (the control plane's default sampling: every
 * message traced, up to 100 a second per topic), its pre-send catalog check and Micrometer meters
 * on, against a raw producer with no headers and a raw producer writing the same CloudEvents
 * headers by hand (the same records on the wire). After a warm-up, each contestant
 * sends {@code --records} in slices of {@code --slice}; the contestants take turns slice by slice
 * (rotating who goes first), so that a disturbance of the shared machine hits all of them alike,
 * and the ratio is the median of the per-slice paired ratios. Tracing: the same, the SDK with 100%
 * tracing against the SDK with tracing off. Listen: the same records read by a fresh group, raw
 * poll loop (no-op per record, commitAsync per poll) against a FANOUT listener doing the same
 * no-op; rounds alternate raw and SDK.
 */
public final class HeraldBenchmark {

    private final String bootstrap;
    private final int records;
    private final int size;
    private final int partitions;
    private final int warmup;
    private final int rounds;
    private final int slice;
    private final long sendTopicRetentionBytes;
    private final byte[] payload;
    private final String traceCompression;
    private final int tracePerRecord;
    private final int batchSize;
    private final long lingerMs;
    private final String compression;
    /** Tracing of the send and listen contestants (the tracing benchmark compares both settings anyway). */
    private final boolean tracing;
    /** The sampling pushed to the send and listen contestants. */
    private final TracingConfig sampling;
    /** Every message traced: what the tracing benchmark measures. */
    private static final TracingConfig TRACE_ALL = new TracingConfig(1.0, Map.of(), 0);

    HeraldBenchmark(Map<String, String> args) {
        this.bootstrap = args.getOrDefault("bootstrap", System.getenv().getOrDefault("HERALD_BENCH_KAFKA_BOOTSTRAP", "127.0.0.1:19092"));
        this.records = Integer.parseInt(args.getOrDefault("records", "1000000"));
        this.size = Integer.parseInt(args.getOrDefault("size", "1024"));
        this.partitions = Integer.parseInt(args.getOrDefault("partitions", "6"));
        this.warmup = Integer.parseInt(args.getOrDefault("warmup", Integer.toString(Math.min(records, 200_000))));
        this.rounds = Integer.parseInt(args.getOrDefault("rounds", "4"));
        this.slice = Math.min(records, Integer.parseInt(args.getOrDefault("slice", "100000")));
        // records nobody reads again: a small broker (e.g. on tmpfs) may drop them while the run goes on
        this.sendTopicRetentionBytes = Long.parseLong(args.getOrDefault("send-retention-bytes", "-1"));
        this.traceCompression = args.getOrDefault("trace-compression", "none");
        this.tracePerRecord = Integer.parseInt(args.getOrDefault("trace-per-record", "256"));
        this.batchSize = Integer.parseInt(args.getOrDefault("batch-size", "16384"));
        this.lingerMs = Long.parseLong(args.getOrDefault("linger-ms", "5"));
        this.compression = args.getOrDefault("compression", "none");
        this.tracing = Boolean.parseBoolean(args.getOrDefault("tracing", "true"));
        this.threadsReport = Boolean.parseBoolean(args.getOrDefault("threads", "false"));
        // the control plane's defaults (every message of a topic traced, up to 100 a second per
        // instance); --max-sampled-per-second 0 traces every message, as the tracing benchmark does
        this.sampling = new TracingConfig(TracingConfig.DEFAULT.defaultSampleRate(), Map.of(),
                Integer.parseInt(args.getOrDefault("max-sampled-per-second",
                        Integer.toString(TracingConfig.DEFAULT.maxSampledPerSecond()))));
        this.payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        new HeraldBenchmark(args).run(args.getOrDefault("only", "all"));
    }

    void run(String only) throws Exception {
        System.out.printf("Herald SDK benchmark: %,d records of %d bytes per contestant (slices of %,d), %d partitions, broker %s, load %s%n"
                          + "  producers (raw and Herald alike): acks=all, idempotent, batch.size=%d, linger.ms=%d, compression=%s;"
                          + " Herald's send and listen with %s%n",
                records, size, slice, partitions, bootstrap, load(), batchSize, lingerMs, compression,
                !tracing ? "tracing off"
                        : sampling.maxSampledPerSecond() == 0 ? "every message traced"
                        : "the default tracing: every message, up to " + sampling.maxSampledPerSecond()
                          + " a second per topic (--max-sampled-per-second 0: every message; --tracing false: off)");
        String sendTopic = "bench-send-" + UUID.randomUUID().toString().substring(0, 8);
        String listenTopic = "bench-listen-" + UUID.randomUUID().toString().substring(0, 8);
        createTopics(sendTopic, listenTopic);
        try (Herald herald = herald(List.of(sendTopic, listenTopic))) {
            if (!only.equals("listen") && !only.equals("trace")) {
                sendBenchmark(herald, sendTopic);
            }
            if (!only.equals("send") && !only.equals("trace")) {
                listenBenchmark(herald, listenTopic);
            }
            if (only.equals("all") || only.equals("trace")) {
                traceBenchmark(sendTopic);
            }
        } finally {
            deleteTopics(sendTopic, listenTopic);
        }
    }

    // ---------------- send ----------------

    private Map<String, Object> producerSettings() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return p;
    }

    private Herald herald(List<String> topics) {
        return herald(topics, tracing, sampling, new SimpleMeterRegistry());
    }

    private Herald herald(List<String> topics, boolean tracing, TracingConfig sampling, SimpleMeterRegistry registry) {
        List<TopicConfig> catalog = topics.stream()
                .map(t -> new TopicConfig(t, partitions, true, List.of(new MessageTypeConfig("bench", null)))).toList();
        return Herald.builder()
                .withAppName("bench")
                .withKafkaBootstrap(bootstrap)
                .withSetting(HeraldSettings.PRODUCER_LINGER_MS, lingerMs)
                .withSetting(HeraldSettings.PRODUCER_BATCH_SIZE, batchSize)
                .withSetting(HeraldSettings.PRODUCER_COMPRESSION, compression)
                .withSetting(HeraldSettings.PRODUCER_MAX_BLOCK_MS, 10_000)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
                .withSetting(HeraldSettings.TRACING_ENABLED, tracing)
                .withSetting(HeraldSettings.TRACING_COMPRESSION, traceCompression)
                .withSetting(HeraldSettings.TRACING_TIMEPOINTS_PER_RECORD, tracePerRecord)
                .withMeterRegistry(registry)
                .withConfigSnapshot(new ConfigSnapshot("bench", 1, catalog, List.of(), sampling))
                .build();
    }

    private void sendBenchmark(Herald herald, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerSettings(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            System.out.printf("%nSend: warm-up (%,d records each)%n", warmup);
            rawSend(raw, topic, warmup, false);
            rawSend(raw, topic, warmup, true);
            sdkSend(herald.sender(), topic, warmup);
            usage.clear();
            cpuPerRecord.clear();
            List<double[]> results = new ArrayList<>();
            int slices = Math.max(1, records / slice);
            for (int round = 1; round <= slices; round++) {
                // Rotate who goes first, so that no one always meets a warmer or fuller broker.
                double[] r = new double[3];
                for (int k = 0; k < 3; k++) {
                    int who = (k + round) % 3;
                    r[who] = who == 0 ? rawSend(raw, topic, slice, false)
                            : who == 1 ? rawSend(raw, topic, slice, true) : sdkSend(herald.sender(), topic, slice);
                }
                System.out.printf("  slice %2d: raw %,9.0f rec/s   raw+same headers %,9.0f rec/s   Herald %,9.0f rec/s"
                                  + "   ratio %.3f (vs raw+same headers %.3f)   load %s%n", round, r[0], r[1], r[2], r[2] / r[0],
                        r[2] / r[1], load());
                results.add(r);
            }
            report("SEND  ", results, 0.95);
            double wire = median(results.stream().mapToDouble(r -> r[1] / r[0]).toArray());
            double own = median(results.stream().mapToDouble(r -> r[2] / r[1]).toArray());
            System.out.printf("SEND   split: the CloudEvents headers cost Kafka itself %.3f (raw with them / raw without),"
                              + " Herald's own code %.3f (Herald / raw with the same headers); product %.3f%n",
                    wire, own, wire * own);
            printCpu();
        }
    }

    // ---------------- tracing ----------------

    /**
     * Send throughput of two SDK clients on the same topic: one tracing every message (sample rate
     * 1.0: a traceparent and sampling header per record, a SENT timepoint per acknowledgement,
     * shipped to herald.trace by the trace thread and producer) and one with tracing off.
     */
    private void traceBenchmark(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get().contains(io.herald.sdk.wire.HeraldTopics.TRACE)) {
                admin.createTopics(List.of(new NewTopic(io.herald.sdk.wire.HeraldTopics.TRACE, partitions, (short) 1))).all().get();
            }
        }
        SimpleMeterRegistry tracedMeters = new SimpleMeterRegistry();
        try (Herald traced = herald(List.of(topic), true, TRACE_ALL, tracedMeters);
             Herald untraced = herald(List.of(topic), false, TRACE_ALL, new SimpleMeterRegistry())) {
            System.out.printf("%nTracing: warm-up (%,d records each)%n", warmup);
            sdkSend(untraced.sender(), topic, warmup);
            sdkSend(traced.sender(), topic, warmup);
            usage.clear();
            cpuPerRecord.clear();
            List<double[]> results = new ArrayList<>();
            int slices = Math.max(1, records / slice);
            for (int round = 1; round <= slices; round++) {
                double off;
                double on;
                if (round % 2 == 1) {
                    off = tracing(false, () -> sdkSend(untraced.sender(), topic, slice));
                    on = tracing(true, () -> sdkSend(traced.sender(), topic, slice));
                } else {
                    on = tracing(true, () -> sdkSend(traced.sender(), topic, slice));
                    off = tracing(false, () -> sdkSend(untraced.sender(), topic, slice));
                }
                System.out.printf("  slice %2d: tracing off %,9.0f rec/s   100%% tracing %,9.0f rec/s   ratio %.3f   load %s%n",
                        round, off, on, on / off, load());
                results.add(new double[] {off, on});
            }
            System.out.printf("TRACE  (\"raw\" = tracing off, \"herald\" = 100%% tracing)%n");
            report("TRACE ", results, 0.95);
            double dropped = tracedMeters.find("herald.trace.dropped").functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum();
            System.out.printf("  timepoints dropped by the traced client: %,.0f%n", dropped);
            printCpu();
        }
    }

    private interface Run {
        double run() throws InterruptedException;
    }

    private double tracing(boolean on, Run run) throws InterruptedException {
        sdkLabel = on ? "herald, 100% tracing" : "herald, tracing off";
        try {
            return run.run();
        } finally {
            sdkLabel = "herald";
        }
    }

    /**
     * Median of the per-round ratios (robust against a round disturbed by other work on the
     * machine), plus the mean rates.
     */
    private static void report(String what, List<double[]> results, double target) {
        double[] ratios = results.stream().mapToDouble(r -> r[r.length - 1] / r[0]).toArray();
        double median = median(ratios);
        // every slice sends the same count, so the rate over the whole run is the harmonic mean
        double rawMean = results.size() / results.stream().mapToDouble(r -> 1 / r[0]).sum();
        double sdkMean = results.size() / results.stream().mapToDouble(r -> 1 / r[r.length - 1]).sum();
        String extra = "";
        if (results.get(0).length == 3) {
            extra = String.format("; vs raw with the same headers (send) or reading them (listen): median %.3f",
                    median(results.stream().mapToDouble(r -> r[2] / r[1]).toArray()));
        }
        System.out.printf("%s raw %,.0f rec/s  herald %,.0f rec/s  ratio median %.3f (of %d paired), overall %.3f (target >= %.2f)%s"
                          + "   load %s%n", what, rawMean, sdkMean, median, ratios.length, sdkMean / rawMean, target, extra, load());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The headers Herald writes, built by hand: what the wire format costs Kafka itself, apart from Herald's code. */
    private static final byte[] ID_TEMPLATE = "0195f3c2-7b1e-7000-8000-000000000000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] TRACEPARENT_TEMPLATE = "00-0195f3c27b1e70008000000000000000-b7ad6b7169203331-01"
            .getBytes(StandardCharsets.US_ASCII);
    private static final org.apache.kafka.common.header.Header SPEC = new RecordHeader("ce_specversion",
            "1.0".getBytes(StandardCharsets.UTF_8));
    private static final org.apache.kafka.common.header.Header SOURCE = new RecordHeader("ce_source",
            "bench".getBytes(StandardCharsets.UTF_8));
    private static final org.apache.kafka.common.header.Header CONTENT = new RecordHeader("content-type",
            "application/octet-stream".getBytes(StandardCharsets.UTF_8));
    private static final org.apache.kafka.common.header.Header TYPE = new RecordHeader("ce_type",
            "bench".getBytes(StandardCharsets.UTF_8));

    private double rawSend(KafkaProducer<byte[], byte[]> producer, String topic, int n, boolean ceHeaders)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong errors = new AtomicLong();
        Callback callback = (metadata, e) -> {
            if (e != null) {
                errors.incrementAndGet();
            }
            done.countDown();
        };
        Usage before = Usage.now();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ProducerRecord<byte[], byte[]> record;
            if (ceHeaders) {
                // what Herald writes with tracing on, in its order, with cheap unique ids, so that this
                // line measures Kafka's cost of the headers, not the making of ids
                byte[] id = ID_TEMPLATE.clone();
                byte[] tp = TRACEPARENT_TEMPLATE.clone();
                for (int j = 35, k = 34, v = i; v != 0; j--, k--, v >>>= 4) {
                    id[j] = HEX[v & 0xF];
                    tp[k] = HEX[v & 0xF];
                }
                ArrayList<org.apache.kafka.common.header.Header> headers = new ArrayList<>(6);
                headers.add(SPEC);
                headers.add(SOURCE);
                headers.add(CONTENT);
                headers.add(new RecordHeader("ce_id", id));
                headers.add(new RecordHeader("traceparent", tp));
                headers.add(TYPE);
                record = new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, payload,
                        new org.apache.kafka.common.header.internals.RecordHeaders(headers));
            } else {
                record = new ProducerRecord<>(topic, payload);
            }
            producer.send(record, callback);
        }
        done.await(10, TimeUnit.MINUTES);
        double rate = rate(n, start, errors.get());
        settle();
        usage(ceHeaders ? "raw + same headers" : "raw", before, n);
        return rate;
    }

    /** How sdkSend names its CPU figure. */
    private String sdkLabel = "herald";

    private double sdkSend(MessageSender sender, String topic, int n) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong errors = new AtomicLong();
        // one completion action for all sends, as the raw producers have one callback
        java.util.function.BiConsumer<SendResult, Throwable> callback = (r, e) -> {
            if (e != null) {
                errors.incrementAndGet();
            }
            done.countDown();
        };
        Usage before = Usage.now();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sender.sendAsync(topic, "bench", null, payload).whenComplete(callback);
        }
        done.await(10, TimeUnit.MINUTES);
        double rate = rate(n, start, errors.get());
        settle();
        usage(sdkLabel, before, n);
        return rate;
    }

    /**
     * A pause after each send slice, outside its timing but inside its CPU figure: work a contestant
     * leaves behind (the trace shipper's last records, the producer's last acknowledgements) is
     * charged to it, not to whoever runs next.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(250);
    }

    /** The 1-minute load average, printed next to every figure (figures taken above 3 on 2 cores are noise). */
    private static String load() {
        return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double rate(int n, long startNanos, long errors) {
        if (errors > 0) {
            throw new IllegalStateException(errors + " sends failed");
        }
        return n / ((System.nanoTime() - startNanos) / 1e9);
    }

    /** CPU time of this process (all threads, the JVM's own too: JIT compilers, garbage collectors). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * What the client threads used up to a moment: CPU time and bytes allocated of every Java thread
     * of this JVM (the caller, Kafka's I/O and consumer threads, Herald's delivery and trace
     * threads; the other contestants' threads idle meanwhile), the process's CPU time (the JVM's own
     * threads too), and garbage collections. Taken before and after a contestant's slice or round:
     * the difference per record is its figure, which on a busy machine stays as it is while the
     * throughput swings.
     */
    record Usage(long[] ids, long[] cpu, long[] bytes, long processCpu, long gcCount, long gcMillis) {
        static Usage now() {
            long[] ids = THREADS.getAllThreadIds();
            long[] cpu = THREADS.getThreadCpuTime(ids);
            long[] bytes = THREADS.getThreadAllocatedBytes(ids);
            long count = 0;
            long millis = 0;
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new Usage(ids, cpu, bytes, processCpuNanos(), count, millis);
        }

        /** {cpu ns, bytes} of the threads alive now since {@code before} (a thread started since counts from zero). */
        long[] since(Usage before) {
            Map<Long, Integer> at = new HashMap<>();
            for (int i = 0; i < before.ids.length; i++) {
                at.put(before.ids[i], i);
            }
            long cpuSum = 0;
            long bytesSum = 0;
            for (int i = 0; i < ids.length; i++) {
                Integer j = at.get(ids[i]);
                if (cpu[i] >= 0) {
                    cpuSum += cpu[i] - (j == null || before.cpu[j] < 0 ? 0 : before.cpu[j]);
                }
                if (bytes[i] >= 0) {
                    bytesSum += bytes[i] - (j == null || before.bytes[j] < 0 ? 0 : before.bytes[j]);
                }
            }
            return new long[] {cpuSum, bytesSum};
        }
    }

    /** Per contestant: records, threads' CPU ns, bytes, process CPU ns, collections, collection ms. */
    private final Map<String, long[]> usage = new java.util.LinkedHashMap<>();
    private final Map<String, List<Double>> cpuPerRecord = new java.util.LinkedHashMap<>();

    private void usage(String who, Usage before, int n) {
        Usage after = Usage.now();
        long[] threads = after.since(before);
        long[] sum = usage.computeIfAbsent(who, k -> new long[6]);
        sum[0] += n;
        sum[1] += threads[0];
        sum[2] += threads[1];
        sum[3] += after.processCpu - before.processCpu;
        sum[4] += after.gcCount - before.gcCount;
        sum[5] += after.gcMillis - before.gcMillis;
        cpuPerRecord.computeIfAbsent(who, k -> new ArrayList<>()).add(threads[0] / (double) n);
    }

    /**
     * The noise-free figures of a section, per contestant and per record: CPU of the client threads
     * (median and mean over its slices), process CPU, bytes allocated, collections; and the first
     * contestant's against the others'.
     */
    private void printCpu() {
        System.out.printf("  %-26s %14s %12s %14s %12s %16s %15s%n", "per record", "threads CPU ns", "(median)",
                "process CPU ns", "bytes alloc", "GCs per 100k rec", "GC ms per 100k");
        usage.forEach((who, u) -> {
            List<Double> slices = cpuPerRecord.get(who).stream().sorted().toList();
            double n = u[0];
            System.out.printf("  %-26s %14.0f %12.0f %14.0f %12.0f %16.2f %15.2f%n", who, u[1] / n,
                    slices.get(slices.size() / 2), u[3] / n, u[2] / n, u[4] * 100_000 / n, u[5] * 100_000 / n);
        });
        String herald = usage.containsKey("herald") ? "herald"
                : usage.containsKey("herald, 100% tracing") ? "herald, 100% tracing" : null;
        for (String base : usage.keySet()) {
            if (herald == null || base.equals(herald)) {
                continue;
            }
            long[] h = usage.get(herald);
            long[] r = usage.get(base);
            double cpu = h[1] / (double) h[0] - r[1] / (double) r[0];
            double bytes = h[2] / (double) h[0] - r[2] / (double) r[0];
            System.out.printf("  %s beyond %s: CPU %+.0f ns a record (%+.1f%% of its %.0f ns), %+.0f bytes a record%n", herald,
                    base, cpu, 100 * cpu / (r[1] / (double) r[0]), r[1] / (double) r[0], bytes);
        }
        usage.clear();
        cpuPerRecord.clear();
    }

    // ---------------- listen ----------------

    private void listenBenchmark(Herald herald, String topic) throws Exception {
        int total = warmup + records;
        System.out.printf("%nListen: filling %s with %,d Herald records%n", topic, total);
        sdkSend(herald.sender(), topic, total);
        usage.clear();
        cpuPerRecord.clear();
        List<double[]> results = new ArrayList<>();
        // The warm-up part of the topic warms each reader's code path before the measured part.
        for (int round = 1; round <= rounds; round++) {
            // Rotate who goes first, as for send.
            double[] r = new double[3];
            for (int k = 0; k < 3; k++) {
                int who = (k + round) % 3;
                r[who] = who == 0 ? rawListen(topic, total, false) : who == 1 ? rawListen(topic, total, true)
                        : sdkListen(topic, total);
            }
            System.out.printf("  round %2d: raw KafkaConsumer %,10.0f rec/s   raw reading ce_type+traceparent %,10.0f rec/s"
                              + "   Herald %,10.0f rec/s   ratio %.3f (vs raw reading the headers %.3f)%n",
                    round, r[0], r[1], r[2], r[2] / r[0], r[2] / r[1]);
            results.add(r);
        }
        report("LISTEN", results, 0.95);
        printCpu();
    }

    /**
     * A raw poll loop; {@code readHeaders}: also reading what any CloudEvents consumer reads of each
     * record, its ce_type (to pick a handler) and traceparent (to continue the trace).
     */
    private double rawListen(String topic, int total, boolean readHeaders) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        long sink = 0;
        int seen = 0;
        long start = 0;
        Usage before = null;
        double rate;
        Map<String, Long> threadsBefore = threadCpu();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen < total) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (seen++ == warmup) {
                        start = System.nanoTime();
                        before = Usage.now();
                    }
                    sink += r.value().length; // the same no-op work as the Herald listener
                    if (readHeaders) {
                        org.apache.kafka.common.header.Header type = r.headers().lastHeader("ce_type");
                        org.apache.kafka.common.header.Header tp = r.headers().lastHeader("traceparent");
                        sink += (type == null ? 0 : type.value().length) + (tp == null ? 0 : tp.value().length);
                    }
                }
                if (!batch.isEmpty()) {
                    consumer.commitAsync();
                }
            }
            rate = rate(records, start, 0); // before close(), as for Herald
            usage(readHeaders ? "raw reading the headers" : "raw", before, records);
            printThreadCpu(readHeaders ? "raw reading the headers" : "raw", threadsBefore, total);
        }
        if (sink == 42) {
            System.out.print("");
        }
        return rate;
    }

    /** One round of a fresh SDK client, closed after it: no round runs beside the idle listeners of the rounds before. */
    private double sdkListen(String topic, int total) throws InterruptedException {
        try (Herald herald = herald(List.of(topic))) {
            return sdkListen(herald, topic, total);
        }
    }

    private double sdkListen(Herald herald, String topic, int total) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        long[] seen = new long[1]; // one listener thread, as the raw loop's counter
        long[] start = new long[1];
        Usage[] before = new Usage[1];
        long[] sink = new long[1];
        herald.listen(Binding.fanout(topic).withGroup("bench-herald-" + UUID.randomUUID()), byte[].class, m -> {
            long n = ++seen[0];
            sink[0] += m.payload().length;
            if (n == warmup + 1) {
                start[0] = System.nanoTime();
                before[0] = Usage.now();
            }
            if (n == total) {
                done.countDown();
            }
        });
        Map<String, Long> threadsBefore = threadCpu();
        herald.start();
        done.await(10, TimeUnit.MINUTES);
        double rate = rate(records, start[0], 0);
        usage("herald", before[0], records);
        printThreadCpu("herald", threadsBefore, total);
        return rate;
    }

    /** {@code --threads true}: where a listen round's CPU went, by thread (names without their ids). */
    private boolean threadsReport;

    private Map<String, Long> threadCpu() {
        Map<String, Long> out = new HashMap<>();
        if (!threadsReport) {
            return out;
        }
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            out.put("0 gc " + gc.getName() + " collections", gc.getCollectionCount());
            out.put("0 gc " + gc.getName() + " ms", gc.getCollectionTime());
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (long id : mx.getAllThreadIds()) {
            java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
            long cpu = mx.getThreadCpuTime(id);
            if (info != null && cpu > 0) {
                out.merge(id + " " + info.getThreadName(), cpu, Long::sum);
            }
        }
        return out;
    }

    private void printThreadCpu(String who, Map<String, Long> before, int n) {
        if (!threadsReport) {
            return;
        }
        Map<String, Long> after = threadCpu();
        Map<String, Long> byName = new java.util.TreeMap<>();
        after.forEach((k, v) -> byName.merge(k.substring(k.indexOf(' ') + 1).replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|-[0-9a-f]{8}\\b", "*"),
                v - before.getOrDefault(k, 0L), Long::sum));
        byName.forEach((name, nanos) -> {
            if (name.startsWith("gc ")) {
                System.out.printf("    %s %s: %d%n", who, name, nanos);
            } else if (nanos > 1_000_000) {
                System.out.printf("    %s thread %-70s %.3f us a record%n", who, name, nanos / 1000.0 / n);
            }
        });
    }

    // ---------------- topics ----------------

    private void createTopics(String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(java.util.Arrays.stream(names).map(n -> {
                NewTopic t = new NewTopic(n, partitions, (short) 1);
                return n.startsWith("bench-send-") && sendTopicRetentionBytes > 0
                        ? t.configs(Map.of("retention.bytes", Long.toString(sendTopicRetentionBytes), "segment.bytes", "33554432"))
                        : t;
            }).toList()).all().get();
        }
    }

    private void deleteTopics(String... names) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.deleteTopics(List.of(names)).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Could not delete benchmark topics " + List.of(names) + ": " + e);
        }
    }
}
