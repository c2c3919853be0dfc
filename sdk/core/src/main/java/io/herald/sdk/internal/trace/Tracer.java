package io.herald.sdk.internal.trace;

import io.herald.sdk.TraceContext;
import io.herald.sdk.internal.codec.HeaderPeek;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.Traceparents;
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
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records timepoints without ever making a sender or a listener wait: {@link #record} hands the
 * timepoint to the shipper through the recording thread's own lock-free ring ({@link HandOff}, 1,024
 * timepoints or the queue capacity if smaller), or when that is full through a shared {@link ConcurrentLinkedQueue} bounded by the
 * queue capacity (an atomic size reserved before the offer, so the bound holds under concurrent
 * producers); past the bound it drops the timepoint and counts the drop ({@code herald.trace.dropped},
 * reason {@code queue-full}).
 * One shipper thread writes timepoints to {@code herald.trace} through a {@link TraceSink}, in the
 * compact binary form of {@link io.herald.sdk.wire.TimepointCodec}: many per record, bounded by a count
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

    /** Tracing switched off: nothing recorded (messages still carry a traceparent, flagged not sampled). */
    public static final Tracer OFF = new Tracer();

    private final boolean enabled;
    private final String app;
    private final String instance;
    private final int capacity;
    /** {@link Timepoint}s and {@link SentTimepoint}s. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** Each recording thread's own ring to the shipper (the shared queue takes what a full ring cannot). */
    private final java.util.concurrent.CopyOnWriteArrayList<HandOff> ringList = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile HandOff[] ringArray = new HandOff[0];
    private int ringIndex;
    private final ThreadLocal<HandOff> rings = ThreadLocal.withInitial(this::newRing);
    /** The shipper's wait when it finds nothing, doubling from the first to the second while it stays idle. */
    private static final long IDLE_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long IDLE_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(80);
    /** Timepoints found by one wait that make the shipper busy again (a sixteenth of a ring). */
    private static final int BUSY = 64;
    /** A recording thread's ring holds this many timepoints, or the queue capacity when that is smaller. */
    private static final int RING_CAPACITY = 1024;
    /** The ring {@link #queue} used last (racy on purpose: a reader checks it is its own). */
    private HandOff lastRing;
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder droppedFull = new LongAdder();
    private final LongAdder droppedSend = new LongAdder();
    private final LongAdder shipped = new LongAdder();
    private final Supplier<TracingConfig> config;
    private final Supplier<String> traceparentSupplier;
    private final TraceSink sink;
    private final Thread shipper;
    private final TimepointWriter writer = new TimepointWriter();
    /** Each topic's traces left this second, for {@link TracingConfig#maxSampledPerSecond()}. */
    private final java.util.concurrent.ConcurrentHashMap<String, SampleBudget> budgets = new java.util.concurrent.ConcurrentHashMap<>();
    /** The budget looked up last (racy on purpose: a reader checks its topic). */
    private SampleBudget lastBudget;
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
     * Most timepoints per {@code herald.trace} record.
     */
    public Tracer perRecord(int perRecord) {
        this.perRecord = Math.max(1, perRecord);
        return this;
    }

    /** A record is written once it reaches this size, however few timepoints it holds. */
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

    /**
     * Whether a new message on {@code topic} is traced, by the pushed sampling: a topic's own rate
     * exactly; else the default rate, up to {@link TracingConfig#maxSampledPerSecond()} traces a
     * second on this topic (failures are recorded whatever this says).
     */
    public boolean sample(String topic) {
        if (!enabled) {
            return false;
        }
        TracingConfig c = config.get();
        Map<String, Double> perTopic = c.topicSampleRates();
        Double r = perTopic.isEmpty() ? null : perTopic.get(topic);
        if (r != null) {
            return chance(r);
        }
        if (!chance(c.defaultSampleRate())) {
            return false;
        }
        int limit = c.maxSampledPerSecond();
        return limit <= 0 || budget(topic).take(limit);
    }

    private static boolean chance(double rate) {
        return rate >= 1.0 || rate > 0.0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    private SampleBudget budget(String topic) {
        SampleBudget last = lastBudget;
        if (last != null && (last.topic == topic || last.topic.equals(topic))) {
            return last;
        }
        SampleBudget b = budgets.computeIfAbsent(topic, SampleBudget::new);
        lastBudget = b;
        return b;
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
     * {@link Traceparents#sampledFlag(byte[])} of a consumed record's traceparent header, read in
     * place (without decoding the header's value).
     */
    public static Boolean sampledFlag(Header tp) {
        return tp == null ? null : Traceparents.sampledFlag(tp, HeaderPeek.valueLength(tp), IN_PLACE);
    }

    private static final Traceparents.CharAt<Header> IN_PLACE = HeaderPeek::valueAt;

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
        queue(timepoint, isFailure(timepoint.kind()));
    }

    private static boolean isFailure(String kind) {
        return Timepoint.FAILED.equals(kind) || Timepoint.RETRIED.equals(kind) || Timepoint.DEAD_LETTERED.equals(kind);
    }

    /** A consumer-side step, recorded by the delivery thread; failures have the same reserve as in {@link #record(Timepoint)}. */
    public void consumed(ConsumedTimepoint timepoint) {
        queue(timepoint, isFailure(timepoint.kind));
    }

    /** SENT: the broker acknowledged a message; the shipper reads the fields later. */
    public void sent(SentTimepoint sent) {
        queue(sent, false);
    }

    /**
     * Hands a timepoint to the shipper: through the recording thread's own ring (no shared write at
     * all), or when that is full the shared queue, bounded by {@link #capacity} (twice that for
     * failures) and counted by {@link #size}; past that it is dropped and counted.
     */
    private void queue(Object item, boolean failure) {
        if (!enabled) {
            return;
        }
        if (!running) {
            droppedFull.increment();
            return;
        }
        // the last thread's ring first: a thread-local look-up per timepoint costs more than the offer
        HandOff ring = lastRing;
        if (ring == null || !ring.ownedBy(Thread.currentThread())) {
            ring = rings.get();
            lastRing = ring;
        }
        if (ring.offer(item)) {
            return;
        }
        if (size.incrementAndGet() > (failure ? 2L * capacity : capacity)) {
            size.decrementAndGet();
            droppedFull.increment();
            return;
        }
        queue.offer(item);
    }

    /** The shipper's side: the next timepoint of any ring or of the shared queue, or {@code null}. */
    private Object next() {
        HandOff[] all = ringArray;
        for (int k = 0; k < all.length; k++) {
            if (ringIndex >= all.length) {
                ringIndex = 0;
            }
            Object item = all[ringIndex].poll();
            if (item != null) {
                return item;
            }
            ringIndex++;
        }
        Object item = queue.poll();
        if (item != null) {
            size.decrementAndGet();
        }
        return item;
    }

    /** The calling thread's ring, registered for the shipper. */
    private HandOff newRing() {
        HandOff ring = new HandOff(Math.min(RING_CAPACITY, capacity), Thread.currentThread());
        synchronized (ringList) {
            ringList.add(ring);
            ringArray = ringList.toArray(new HandOff[0]);
        }
        return ring;
    }

    /** Drops the rings of threads that ended, once the shipper emptied them. */
    private void forgetEndedThreads() {
        boolean changed = false;
        for (HandOff ring : ringList) {
            if (ring.ownerGone() && ring.isEmpty()) {
                changed |= ringList.remove(ring);
            }
        }
        if (changed) {
            ringArray = ringList.toArray(new HandOff[0]);
        }
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

    /** Timepoints waiting for the shipper. */
    public int queued() {
        long n = Math.max(0, size.get());
        for (HandOff ring : ringArray) {
            n += ring.size();
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /**
     * The shipper: appends queued timepoints to the record being built and writes it once it holds
     * {@link #perRecord} of them or {@link #maxRecordBytes}, or its first one waited
     * {@link #linger}, or the tracer closes.
     */
    private void ship() {
        long idleNanos = IDLE_MIN_NANOS;
        int found = 0;
        long idleRounds = 0;
        int n = 0;
        long firstAt = 0;
        byte[] firstKey = null;
        while (true) {
            Object item = next();
            if (item != null) {
                found++;
                int max = perRecord;
                if (n == 0) {
                    writer.begin();
                    firstKey = key(item);
                    firstAt = System.nanoTime();
                }
                try {
                    writer.add(item, app, instance);
                    n++;
                } catch (RuntimeException e) {
                    droppedSend.increment();
                    log.debug("Cannot write a timepoint: {}", e.toString());
                }
                if (n > 0 && (n >= max || writer.length() >= maxRecordBytes)) {
                    flush(firstKey, n);
                    n = 0;
                }
                continue;
            }
            if (++idleRounds % 2048 == 0) {
                forgetEndedThreads();
            }
            boolean stopping = !running;
            if (n > 0 && (stopping || System.nanoTime() - firstAt >= lingerNanos)) {
                flush(firstKey, n);
                n = 0;
                continue;
            }
            if (stopping) {
                if (queue.isEmpty() && ringList.stream().allMatch(HandOff::isEmpty)) {
                    return;
                }
                continue;
            }
            // While few timepoints come, the wait doubles up to IDLE_MAX_NANOS: an instance whose messages
            // are seldom traced (the default sampling) woke 200 times a second for almost nothing, which
            // cost more CPU than a listener's own work per record at 25,000 records a second. A wait that
            // found a busy ring's worth starts again at the minimum; a ring that fills meanwhile hands over
            // through the shared queue, so nothing is lost.
            idleNanos = found >= BUSY ? IDLE_MIN_NANOS : Math.min(IDLE_MAX_NANOS, idleNanos * 2);
            found = 0;
            long wait = n > 0 ? Math.min(idleNanos, lingerNanos - (System.nanoTime() - firstAt)) : idleNanos;
            LockSupport.parkNanos(Math.max(wait, 100_000L));
        }
    }

    private static byte[] key(Object item) {
        if (item instanceof SentTimepoint s) {
            return s.messageIdBytes();
        }
        if (item instanceof ConsumedTimepoint c) {
            return c.messageIdBytes();
        }
        String id = ((Timepoint) item).messageId();
        return id == null ? null : id.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the record built so far, keyed by its first timepoint's message id. */
    private void flush(byte[] key, int n) {
        try {
            sink.send(key, writer.finish(), () -> droppedSend.add(n));
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
        LockSupport.unpark(shipper); // it may be in a long idle wait
        try {
            shipper.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close(timeout);
    }
}
