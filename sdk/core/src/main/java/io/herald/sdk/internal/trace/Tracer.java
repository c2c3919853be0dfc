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
 * {@link TraceSink}: by default many per record, as a JSON array bounded by a count
 * ({@link #perRecord}), a size ({@link #maxRecordBytes}) and a linger ({@link #linger}), because
 * one Kafka record per timepoint costs the client about as much as the traced send itself. A SENT
 * timepoint is queued as the sender's own {@link SentTimepoint}: the acknowledging thread neither
 * formats nor copies anything for it.
 *
 * <p>Sampling is decided once per message by its producer ({@link #sample}) and travels in the
 * sampled flag of the message's W3C {@code traceparent} (or, when the caller's traceparent says
 * otherwise, in a {@code herald-trace-sampled} header), so a message is traced at every step or at
 * none; records without either (plain Kafka producers) are sampled by the consumer. Failures
 * (FAILED, RETRIED, DEAD_LETTERED) and REPLAYED are recorded whatever the sampling said, and failures
 * have a reserve in the queue that ordinary timepoints cannot take.
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
    /** {@link Timepoint}s and {@link SentTimepoint}s. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
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
    private volatile int perRecord = 1;
    private volatile int maxRecordBytes = 65_536;
    private volatile long lingerNanos = TimeUnit.MILLISECONDS.toNanos(100);

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
     * Most timepoints per {@code herald.trace} record: 1 writes one JSON object per record; more
     * writes JSON arrays of up to that many (what the trace store reads since it reads arrays).
     */
    public Tracer perRecord(int perRecord) {
        this.perRecord = Math.max(1, perRecord);
        return this;
    }

    /** A record is written once its JSON reaches this size, however few timepoints it holds. */
    public Tracer maxRecordBytes(int bytes) {
        this.maxRecordBytes = Math.max(1, bytes);
        return this;
    }

    /** How long the first timepoint of a record waits for more before the record is written. */
    public Tracer linger(Duration linger) {
        this.lingerNanos = Math.max(0, linger.toNanos());
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
        byte[] out = start(sampled);
        hex(random.nextLong() | 1L, out, 3); // an all-zero trace id is invalid
        hex(random.nextLong(), out, 19);
        hex(random.nextLong() | 1L, out, 36);
        return out;
    }

    /**
     * A new traceparent whose trace id is the message id's 32 hex digits ({@code messageId}: 36
     * ASCII bytes, 8-4-4-4-12 lower-case hex, as {@code MessageIds} makes them): no random digits to
     * draw for it, and a message's trace id can be told from its id.
     */
    public static byte[] newTraceparent(byte[] messageId, boolean sampled) {
        byte[] out = start(sampled);
        System.arraycopy(messageId, 0, out, 3, 8);
        System.arraycopy(messageId, 9, out, 11, 4);
        System.arraycopy(messageId, 14, out, 15, 4);
        System.arraycopy(messageId, 19, out, 19, 4);
        System.arraycopy(messageId, 24, out, 23, 12);
        hex(ThreadLocalRandom.current().nextLong() | 1L, out, 36);
        return out;
    }

    private static byte[] start(boolean sampled) {
        byte[] out = new byte[55];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        out[35] = '-';
        out[52] = '-';
        out[53] = '0';
        out[54] = sampled ? (byte) '1' : (byte) '0';
        return out;
    }

    /**
     * The sampled flag of a W3C traceparent (ASCII bytes), or {@code null} when {@code tp} is not
     * one: the lowest bit of the last hex digit of its flags.
     */
    public static Boolean sampledFlag(byte[] tp) {
        if (tp == null || tp.length < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-') {
            return null;
        }
        int digit = Character.digit(tp[54], 16);
        return digit < 0 ? null : (digit & 1) == 1;
    }

    /** {@link #sampledFlag(byte[])} of a traceparent already decoded (a consumer's record). */
    public static Boolean sampledFlag(String tp) {
        if (tp == null || tp.length() < 55 || tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') {
            return null;
        }
        int digit = Character.digit(tp.charAt(54), 16);
        return digit < 0 ? null : (digit & 1) == 1;
    }

    private static void hex(long v, byte[] out, int offset) {
        for (int i = offset + 15; i >= offset; i--) {
            out[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    /**
     * Queues a timepoint, or drops and counts it when the queue is full. Never blocks. A failure
     * (FAILED, RETRIED, DEAD_LETTERED) is still queued when the queue is full of ordinary
     * timepoints: it may use a reserve of as many again, so a burst of SENT and HANDLED never
     * hides the steps someone will look for.
     */
    public void record(Timepoint timepoint) {
        if (enabled && isFailure(timepoint.kind())) {
            if (size.incrementAndGet() > 2L * capacity || !running) {
                size.decrementAndGet();
                droppedFull.increment();
                return;
            }
            queue.offer(timepoint);
            return;
        }
        queue((Object) timepoint);
    }

    private static boolean isFailure(String kind) {
        return Timepoint.FAILED.equals(kind) || Timepoint.RETRIED.equals(kind) || Timepoint.DEAD_LETTERED.equals(kind);
    }

    /** SENT: the broker acknowledged a message; the shipper reads the fields later. */
    public void sent(SentTimepoint sent) {
        queue((Object) sent);
    }

    private void queue(Object item) {
        if (!enabled) {
            return;
        }
        if (size.incrementAndGet() > capacity || !running) {
            size.decrementAndGet();
            droppedFull.increment();
            return;
        }
        queue.offer(item);
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

    /**
     * The shipper: appends queued timepoints to the record being built and writes it once it holds
     * {@link #perRecord} of them or {@link #maxRecordBytes}, or its first one waited
     * {@link #linger}, or the tracer closes.
     */
    private void ship() {
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(5);
        int n = 0;
        int taken = 0;
        long firstAt = 0;
        byte[] firstKey = null;
        while (true) {
            Object item = queue.poll();
            if (item != null) {
                if (++taken == 256) {
                    size.addAndGet(-taken); // the bound may lag a little; it is a memory guard, not a count
                    taken = 0;
                }
                int max = perRecord;
                if (n == 0) {
                    json.begin(max > 1);
                    firstKey = key(item);
                    firstAt = System.nanoTime();
                }
                try {
                    json.add(item, app, instance);
                    n++;
                } catch (RuntimeException e) {
                    droppedSend.increment();
                    log.debug("Cannot write a timepoint: {}", e.toString());
                }
                if (n > 0 && (n >= max || json.length() >= maxRecordBytes)) {
                    flush(firstKey, n);
                    n = 0;
                }
                continue;
            }
            if (taken > 0) {
                size.addAndGet(-taken);
                taken = 0;
            }
            boolean stopping = !running;
            if (n > 0 && (stopping || System.nanoTime() - firstAt >= lingerNanos)) {
                flush(firstKey, n);
                n = 0;
                continue;
            }
            if (stopping) {
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            long wait = n > 0 ? Math.min(idleNanos, lingerNanos - (System.nanoTime() - firstAt)) : idleNanos;
            LockSupport.parkNanos(Math.max(wait, 100_000L));
        }
    }

    private static byte[] key(Object item) {
        if (item instanceof SentTimepoint s) {
            return s.messageIdBytes();
        }
        String id = ((Timepoint) item).messageId();
        return id == null ? null : id.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the record built so far, keyed by its first timepoint's message id. */
    private void flush(byte[] key, int n) {
        try {
            sink.send(key, json.finish(), () -> droppedSend.add(n));
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
