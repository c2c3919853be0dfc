package io.herald.sdk.internal.trace;

import io.herald.sdk.TraceContext;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TracingConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records timepoints without ever making a sender or a listener wait: {@link #record} puts the
 * timepoint in a bounded lock-free queue (a {@link ConcurrentLinkedQueue} with an atomic size
 * reserved before the offer, so the bound holds under concurrent producers) or, when the queue
 * is full, drops it and counts the drop ({@code herald.trace.dropped}, reason {@code queue-full}).
 * One shipper thread turns timepoints into JSON and writes them to {@code herald.trace} through a
 * {@link TraceSink}, whose producer batches them.
 *
 * <p>Sampling is decided once per message by its producer ({@link #sample}) and travels in the
 * {@code herald-trace-sampled} header, so a message is traced at every step or at none; records
 * without the header (plain Kafka producers) are sampled by the consumer. Failures (FAILED,
 * RETRIED, DEAD_LETTERED) and REPLAYED are recorded whatever the sampling said.
 */
public final class Tracer {

    private static final Logger log = LoggerFactory.getLogger(Tracer.class);
    public static final String DROPPED = "herald.trace.dropped";
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Tracing switched off: nothing recorded, no traceparent created. */
    public static final Tracer OFF = new Tracer();

    private final boolean enabled;
    private final String app;
    private final String instance;
    private final int capacity;
    private final ConcurrentLinkedQueue<Timepoint> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder droppedFull = new LongAdder();
    private final LongAdder droppedSend = new LongAdder();
    private final LongAdder shipped = new LongAdder();
    private final Supplier<TracingConfig> config;
    private final Supplier<String> traceparentSupplier;
    private final TraceSink sink;
    private final Thread shipper;
    private final TimepointJson json = new TimepointJson();
    private volatile boolean running;
    private int perRecord = 1;
    private final java.util.ArrayList<Timepoint> batch = new java.util.ArrayList<>();

    private Tracer() {
        this.enabled = false;
        this.app = null;
        this.instance = null;
        this.capacity = 0;
        this.config = () -> TracingConfig.DEFAULT;
        this.traceparentSupplier = null;
        this.sink = null;
        this.shipper = null;
    }

    public Tracer(String app, String instance, int capacity, Supplier<TracingConfig> config,
                  Supplier<String> traceparentSupplier, TraceSink sink, MeterRegistry registry) {
        this.enabled = true;
        this.app = app;
        this.instance = instance;
        this.capacity = capacity;
        this.config = config;
        this.traceparentSupplier = traceparentSupplier;
        this.sink = sink;
        if (registry != null) {
            FunctionCounter.builder(DROPPED, droppedFull, LongAdder::doubleValue)
                    .description("Timepoints not recorded (trace queue full, or herald.trace refused them)")
                    .tags("app", app, "reason", "queue-full").register(registry);
            FunctionCounter.builder(DROPPED, droppedSend, LongAdder::doubleValue)
                    .description("Timepoints not recorded (trace queue full, or herald.trace refused them)")
                    .tags("app", app, "reason", "send-failed").register(registry);
        }
        this.shipper = new Thread(this::ship, "herald-trace-" + instance);
        this.shipper.setDaemon(true);
        this.running = true;
        this.shipper.start();
    }

    /**
     * Timepoints per {@code herald.trace} record: 1 (the default) writes one JSON object per record;
     * more writes JSON arrays of up to that many, for a trace store that reads arrays.
     */
    public Tracer perRecord(int perRecord) {
        this.perRecord = Math.max(1, perRecord);
        return this;
    }

    public boolean enabled() {
        return enabled;
    }

    public String app() {
        return app;
    }

    public String instance() {
        return instance;
    }

    /** Whether a new message on {@code topic} is traced, by the pushed sample rate. */
    public boolean sample(String topic) {
        if (!enabled) {
            return false;
        }
        TracingConfig c = config.get();
        Map<String, Double> perTopic = c.topicSampleRates();
        Double r = perTopic.isEmpty() ? null : perTopic.get(topic);
        double rate = r != null ? r : c.defaultSampleRate();
        return rate >= 1.0 || rate > 0.0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** The caller's traceparent (scope, then the builder's supplier), or {@code null}. */
    public String callerTraceparent() {
        String tp = TraceContext.current();
        if (tp != null) {
            return tp;
        }
        if (traceparentSupplier != null) {
            try {
                tp = traceparentSupplier.get();
            } catch (RuntimeException e) {
                log.debug("The traceparent supplier failed: {}", e.toString());
                return null;
            }
            return TraceContext.isValid(tp) ? tp : null;
        }
        return null;
    }

    /** A new W3C traceparent ({@code 00-<trace id>-<span id>-<flags>}) as ASCII bytes. */
    public static byte[] newTraceparent(boolean sampled) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] out = new byte[55];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        hex(random.nextLong() | 1L, out, 3); // an all-zero trace id is invalid
        hex(random.nextLong(), out, 19);
        out[35] = '-';
        hex(random.nextLong() | 1L, out, 36);
        out[52] = '-';
        out[53] = '0';
        out[54] = sampled ? (byte) '1' : (byte) '0';
        return out;
    }

    private static void hex(long v, byte[] out, int offset) {
        for (int i = offset + 15; i >= offset; i--) {
            out[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    /** Queues a timepoint, or drops and counts it when the queue is full. Never blocks. */
    public void record(Timepoint timepoint) {
        if (!enabled) {
            return;
        }
        if (size.incrementAndGet() > capacity || !running) {
            size.decrementAndGet();
            droppedFull.increment();
            return;
        }
        queue.offer(timepoint);
    }

    /** SENT: the broker acknowledged a message. */
    public void sent(String messageId, String topic, String type, String key, String traceparent, int partition,
                     long offset, long brokerTime, long durationMs) {
        record(new Timepoint(messageId, Timepoint.SENT, System.currentTimeMillis(), topic, type, key, app, null, instance,
                partition, offset, brokerTime, durationMs, null, null, traceparent, null));
    }

    /** Timepoints dropped because the queue was full. */
    public long droppedQueueFull() {
        return droppedFull.sum();
    }

    /** Timepoints the sink could not write. */
    public long droppedSendFailed() {
        return droppedSend.sum();
    }

    /** Timepoints handed to the sink. */
    public long shipped() {
        return shipped.sum();
    }

    /** Timepoints waiting in the queue. */
    public int queued() {
        return Math.max(0, size.get());
    }

    private void ship() {
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(5);
        while (true) {
            Timepoint tp = queue.poll();
            if (tp == null) {
                if (!running) {
                    return;
                }
                LockSupport.parkNanos(idleNanos);
                continue;
            }
            size.decrementAndGet();
            if (perRecord > 1) {
                shipBatch(tp);
                continue;
            }
            try {
                byte[] key = tp.messageId() == null ? null : tp.messageId().getBytes(StandardCharsets.UTF_8);
                sink.send(key, json.write(tp), droppedSend::increment);
                shipped.increment();
            } catch (Exception e) {
                droppedSend.increment();
                log.debug("Cannot ship timepoint {} of {}: {}", tp.kind(), tp.messageId(), e.toString());
            }
        }
    }

    /** One record holding {@code first} and what else is queued, up to {@link #perRecord}; keyed by the first id. */
    private void shipBatch(Timepoint first) {
        batch.clear();
        batch.add(first);
        Timepoint next;
        while (batch.size() < perRecord && (next = queue.poll()) != null) {
            size.decrementAndGet();
            batch.add(next);
        }
        int n = batch.size();
        try {
            byte[] key = first.messageId() == null ? null : first.messageId().getBytes(StandardCharsets.UTF_8);
            sink.send(key, json.writeArray(batch), () -> droppedSend.add(n));
            shipped.add(n);
        } catch (Exception e) {
            droppedSend.add(n);
            log.debug("Cannot ship {} timepoints: {}", n, e.toString());
        }
    }

    /** Ships what is queued (waiting at most {@code timeout}), then closes the sink. */
    public void close(Duration timeout) {
        if (!enabled || !running) {
            return;
        }
        running = false;
        try {
            shipper.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close(timeout);
    }
}
