package io.herald.sdk.internal.listen;

import io.herald.sdk.NonRetryableHeraldException;
import io.herald.sdk.TraceContext;
import io.herald.sdk.internal.codec.HeaderPeek;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.internal.trace.ConsumedTimepoint;
import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.spi.AbortDeliveryException;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.DeadLetters;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.Timepoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor of one (group, topic) subscription: picks the bindings whose type filter matches,
 * converts the payload, calls each listener, retries with the binding's back-off and finally
 * dead-letters. This is the error-handling strategy of spring-kafka's DefaultErrorHandler plus
 * DeadLetterPublishingRecoverer, run in the delivery thread so that per-key order holds.
 */
public final class BindingDispatcher implements RecordProcessor {

    private static final Logger log = LoggerFactory.getLogger(BindingDispatcher.class);
    static final String REASON_EXHAUSTED = "exhausted";
    static final String REASON_NON_RETRYABLE = "non-retryable";
    static final String REASON_EXPIRED = "expired";
    static final String REASON_UNREADABLE = "unreadable";
    /** The listener answered {@code false}: it did not consume the message. */
    static final String REASON_REJECTED = "rejected";
    private static final String NOT_CONSUMED = "listener returned false: not consumed";

    private final String group;
    private final String topic;
    private final Transport transport;
    private final HeraldMetrics metrics;
    private volatile Endpoint[] endpoints = new Endpoint[0];
    private volatile Tracer tracer = Tracer.OFF;
    private final int dedupeMaxIds;

    public BindingDispatcher(String group, String topic, Transport transport, HeraldMetrics metrics) {
        this(group, topic, transport, metrics, 100_000);
    }

    public BindingDispatcher(String group, String topic, Transport transport, HeraldMetrics metrics, int dedupeMaxIds) {
        this.dedupeMaxIds = dedupeMaxIds;
        this.group = group;
        this.topic = topic;
        this.transport = transport;
        this.metrics = metrics;
    }

    void endpoints(List<Endpoint> endpoints) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
    }

    void tracer(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void process(IncomingRecord record, DeliveryContext context) {
        // One pass over the headers, each name compared where Kafka fetched it (HeaderPeek): no array,
        // no decoding. What counts is the last of each name; herald-expires-at only after the
        // traceparent and ce_id (Herald writes it after them: the SDK just before ce_type, the server
        // last), a replay's job and the sampling header only after the traceparent.
        Header typeHeader = null;
        Header tp = null;
        Header id = null;
        Header expires = null;
        Header job = null;
        Header sampledHeader = null;
        for (Header h : record.headers()) {
            switch (HeaderPeek.which(h)) {
                case HeaderPeek.CE_TYPE -> typeHeader = h;
                case HeaderPeek.TRACEPARENT -> {
                    tp = h;
                    expires = null;
                    job = null;
                    sampledHeader = null;
                }
                case HeaderPeek.CE_ID -> {
                    id = h;
                    expires = null;
                }
                case HeaderPeek.EXPIRES_AT -> expires = h;
                case HeaderPeek.REPLAY_JOB -> job = h;
                case HeaderPeek.TRACE_SAMPLED -> sampledHeader = h;
                default -> {
                }
            }
        }
        String type = type(typeHeader);
        long expiresAt = expiresAt(expires);
        Tracer t = tracer;
        Trace trace = null;
        boolean decided = false;
        for (Endpoint endpoint : endpoints) {
            EffectiveBinding binding = endpoint.effective();
            if (binding != null && binding.matches(type)) {
                if (!decided && t.enabled()) {
                    decided = true;
                    // A Trace is made only for a message that is traced or replayed; the others get one
                    // when a failure has to be recorded (failures are recorded whatever the sampling said).
                    byte[] jobBytes = job == null ? null : job.value();
                    byte[] sampledBytes = sampledHeader == null ? null : sampledHeader.value();
                    boolean sampled = Trace.sampled(t, record, tp, sampledBytes);
                    if (jobBytes != null || sampled) {
                        trace = Trace.of(t, record, tp, id, true, jobBytes, sampled);
                        if (trace.replayed()) {
                            timepoint(trace, Timepoint.REPLAYED, record, type, 0, -1, null);
                        }
                    }
                }
                long window = binding.dedupeWindowMillis();
                if (window > 0 && !(record instanceof ReplayedRecord)) {
                    deduplicated(endpoint, binding, record, type, expiresAt, context, trace, tp, window);
                } else {
                    deliver(endpoint, binding, record, type, expiresAt, context, trace, tp);
                }
            }
        }
    }

    /**
     * Delivers unless this listener handled the record's ce_id within the window (in this
     * instance): a repeat is dropped, counted in {@code herald.messages.duplicates} and logged. A
     * replay (its own intent is to deliver again) never gets here.
     */
    private void deduplicated(Endpoint endpoint, EffectiveBinding binding, IncomingRecord record, String type,
                              long expiresAt, DeliveryContext context, Trace trace, Header tp, long window) {
        Header h = record.headers().lastHeader(HeraldHeaders.CE_ID);
        byte[] raw = h == null ? null : h.value();
        if (raw == null || raw.length == 0) {
            // no id to compare: a record of a plain producer without ce_id is handled as it comes
            deliver(endpoint, binding, record, type, expiresAt, context, trace, tp);
            return;
        }
        String id = new String(raw, StandardCharsets.UTF_8);
        DedupeStore store = endpoint.dedupe(dedupeMaxIds);
        if (store.seen(id, window)) {
            metrics.duplicate(topic, group);
            if (!endpoint.duplicateLogged) {
                endpoint.duplicateLogged = true;
                log.info("Listener {} dropped message {} ({}-{}@{}): its id was handled within the dedupe window of {} ms;"
                         + " further drops are counted in {} and logged at DEBUG", endpoint, id, record.topic(),
                        record.partition(), record.offset(), window, HeraldMetrics.DUPLICATES);
            } else {
                log.debug("Listener {} dropped message {} ({}-{}@{}): handled within the dedupe window of {} ms", endpoint, id,
                        record.topic(), record.partition(), record.offset(), window);
            }
            return;
        }
        if (deliver(endpoint, binding, record, type, expiresAt, context, trace, tp)) {
            store.handled(id, window);
        }
    }

    /** The value of a {@code herald-expires-at} header in epoch milliseconds, or {@link Long#MAX_VALUE}. */
    static long expiresAt(Header h) {
        byte[] v = h == null ? null : h.value();
        try {
            return v == null ? Long.MAX_VALUE : Long.parseLong(new String(v, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * What the timepoints of one record share, found once per record and only with tracing on: the
     * header values and key stay Kafka's bytes (the shipper writes them as they are). It is also the
     * record's first timepoint: a traced delivery that succeeds at once (one HANDLED) queues this
     * object itself; later steps are copies.
     */
    private static final class Trace extends ConsumedTimepoint {
        final Tracer tracer;
        final boolean sampled;
        /** Whether the record is a replay's (it has a herald-replay-job header). */
        private final boolean replayed;
        /** The delivery under way (one per matching binding): when it was received, and whether RECEIVED is still to be recorded. */
        long receivedAt;
        boolean receivedPending;
        /** Whether this object went to the tracer as a step (then it is the shipper's: later steps are copies). */
        private boolean queued;

        private Trace(Tracer tracer, IncomingRecord record, byte[] id, String idText, byte[] traceparent, byte[] job,
                      boolean sampled) {
            super(record.topic(), id, idText, record.key(), traceparent, job, record.partition(), record.offset(),
                    record.timestamp() >= 0 ? record.timestamp() : -1);
            this.tracer = tracer;
            this.sampled = sampled;
            this.replayed = job != null;
        }

        /**
         * @param tp      the record's (last) traceparent header
         * @param id      the record's (last) ce_id header, or {@code null}
         * @param idFound whether {@code id} is the result of a scan (else the headers are scanned for it)
         * @param job     the replay job's id, or {@code null}
         * @param sampled the sampling decision ({@link #sampled(Tracer, IncomingRecord, Header, byte[])})
         */
        static Trace of(Tracer tracer, IncomingRecord record, Header tp, Header id, boolean idFound, byte[] job,
                        boolean sampled) {
            if (!idFound) {
                for (Header each : record.headers()) { // the last ce_id, found without decoding any name
                    if (HeaderPeek.which(each) == HeaderPeek.CE_ID) {
                        id = each;
                    }
                }
            }
            byte[] idBytes = id == null ? null : id.value();
            String idText = idBytes == null ? record.topic() + "-" + record.partition() + "-" + record.offset() : null;
            return new Trace(tracer, record, idBytes, idText, tp == null ? null : tp.value(), job, sampled);
        }

        /**
         * The producer decided for the whole life of the message: in herald-trace-sampled when its
         * traceparent's flag says otherwise (a caller's trace), else in that flag. Records without
         * either (plain Kafka producers) are sampled here.
         */
        static boolean sampled(Tracer tracer, IncomingRecord record, Header tp, byte[] sampledHeader) {
            if (sampledHeader != null) {
                return sampledHeader.length == 1 && sampledHeader[0] == '1';
            }
            Boolean flag = Tracer.sampledFlag(tp);
            return flag != null ? flag : tracer.sample(record.topic());
        }

        boolean replayed() {
            return replayed;
        }

        /** A delivery starts: RECEIVED is recorded with its first other step (HANDLED carries it). */
        void received() {
            receivedPending = sampled;
            receivedAt = sampled ? System.currentTimeMillis() : 0;
        }

        /** The step as a timepoint: this object the first time, a copy after. */
        ConsumedTimepoint at(String kind, long time, String type, String group, long durationMs, int attempt, String error,
                             long receivedAt) {
            if (!queued) {
                queued = true;
                return step(kind, time, type, group, durationMs, attempt, error, receivedAt);
            }
            return next(kind, time, type, group, durationMs, attempt, error, receivedAt);
        }
    }

    /**
     * Records a step ({@code attempt} 0 and {@code durationMs} -1: none). A pending RECEIVED goes
     * into a HANDLED, or before any other step as a timepoint of its own.
     */
    private void timepoint(Trace tr, String kind, IncomingRecord r, String type, int attempt, long durationMs,
                           String error) {
        long receivedAt = 0;
        long time;
        if (tr.receivedPending && kind == Timepoint.HANDLED) {
            // the first attempt succeeded: one timepoint for both steps, and no second clock read (the
            // time from receipt to the handler's start is well under the millisecond timepoints keep)
            tr.receivedPending = false;
            receivedAt = tr.receivedAt;
            time = receivedAt + durationMs;
        } else {
            if (tr.receivedPending) {
                tr.receivedPending = false;
                tr.tracer.consumed(tr.at(Timepoint.RECEIVED, tr.receivedAt, type, group, -1, 1, null, 0));
            }
            time = System.currentTimeMillis();
        }
        tr.tracer.consumed(tr.at(kind, time, type, group, durationMs, attempt, error, receivedAt));
    }

    private static String error(Throwable failure) {
        if (failure == null) {
            return null;
        }
        String text = failure.getClass().getName() + ": " + failure.getMessage();
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }

    /** The last decoded type: a topic carries few types, so most records repeat it and skip the decoding. */
    private volatile DecodedType lastType = new DecodedType(new byte[0], "");

    private record DecodedType(byte[] bytes, String text) {
    }

    private String type(Header h) {
        if (h == null) {
            return "";
        }
        DecodedType last = lastType;
        if (HeaderPeek.valueIs(h, last.bytes)) {
            return last.text;
        }
        byte[] bytes = h.value();
        if (bytes == null) {
            return "";
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        lastType = new DecodedType(bytes, text);
        return text;
    }

    /**
     * The trace of a delivery that failed: failures are recorded whatever the sampling said, so a
     * message nobody traces gets its Trace (not sampled: no RECEIVED or HANDLED) only now.
     */
    private static Trace failing(Trace trace, Tracer t, IncomingRecord record, Header tp) {
        return trace != null || !t.enabled() ? trace : Trace.of(t, record, tp, null, false, null, false);
    }

    /** Whether the listener handled the record (else it was dead-lettered). */
    private boolean deliver(Endpoint endpoint, EffectiveBinding binding, IncomingRecord record, String type, long expiresAt,
                            DeliveryContext context, Trace trace, Header tp) {
        Tracer t = tracer;
        HeraldMetrics.ConsumeMeters meters = endpoint.meters(metrics, type);
        meters.received();
        if (trace != null) {
            trace.received();
        }
        if (expiresAt != Long.MAX_VALUE && System.currentTimeMillis() > expiresAt
            || binding.expiryMillis() != null && record.timestamp() >= 0
            && System.currentTimeMillis() - record.timestamp() > binding.expiryMillis()) {
            deadLetter(binding, record, REASON_EXPIRED, null, 0, meters, context, trace, type);
            return false;
        }
        ListenerInvoker invoker = endpoint.invoker();
        Object payload;
        try {
            payload = invoker.convert(record.value());
        } catch (RuntimeException e) {
            deadLetter(binding, record, REASON_UNREADABLE, e, 0, meters, context, failing(trace, t, record, tp), type);
            return false;
        }
        DeliveredMessage<Object> message = invoker.wantsMessage() ? new DeliveredMessage<>(record, type, payload) : null;
        for (int attempt = 1; ; attempt++) {
            if (message != null) {
                message.attempt = attempt;
            }
            long start = System.nanoTime();
            // Sends made by the handler continue this message's trace.
            TraceContext.Scope scope = tp != null && t.enabled() ? TraceContext.withHeader(tp) : null;
            Throwable failure = null;
            try {
                if (invoker.invoke(payload, message)) {
                    long nanos = System.nanoTime() - start;
                    meters.handled(nanos);
                    if (trace != null && trace.sampled) {
                        timepoint(trace, Timepoint.HANDLED, record, type, attempt, nanos / 1_000_000, null);
                    }
                    return true;
                }
            } catch (Throwable thrown) {
                if (context.isStopping()) {
                    // Interrupted by shutdown: leave it uncommitted, another consumer gets it again.
                    throw new AbortDeliveryException("stopping while handling " + record.topic() + "-"
                                                      + record.partition() + "@" + record.offset());
                }
                if (thrown instanceof Error error && !(thrown instanceof AssertionError)) {
                    throw error;
                }
                failure = thrown;
            } finally {
                if (scope != null) {
                    scope.close();
                }
            }
            // Thrown, or answered false ("not consumed", KiteQ's OnMessage bool): retried alike.
            boolean rejected = failure == null;
            String error = rejected ? NOT_CONSUMED : error(failure);
            meters.failed();
            trace = failing(trace, t, record, tp);
            if (trace != null) {
                timepoint(trace, Timepoint.FAILED, record, type, attempt, (System.nanoTime() - start) / 1_000_000, error);
            }
            EffectiveBinding current = endpoint.effective() != null ? endpoint.effective() : binding;
            boolean nonRetryable = failure instanceof NonRetryableHeraldException;
            if (nonRetryable || current.exhausted(attempt)) {
                log.warn("Listener {} {} {}-{}@{} (attempt {}), dead-lettering to {}{}", invoker,
                        rejected ? "did not consume" : "failed on", record.topic(), record.partition(), record.offset(),
                        attempt, current.deadLetterTopic(), rejected ? "" : ": " + failure);
                deadLetter(current, record, nonRetryable ? REASON_NON_RETRYABLE : rejected ? REASON_REJECTED : REASON_EXHAUSTED,
                        failure, attempt, meters, context, trace, type);
                return false;
            }
            long wait = current.backoffFor(attempt);
            if (expiresAt != Long.MAX_VALUE && System.currentTimeMillis() + wait > expiresAt) {
                // the next attempt would come after the message's expiry: it is not handed on again
                deadLetter(current, record, REASON_EXPIRED, failure, attempt, meters, context, trace, type);
                return false;
            }
            log.debug("Listener {} {} {}-{}@{} (attempt {}), retrying in {} ms", invoker,
                    rejected ? "did not consume" : "failed on", record.topic(), record.partition(), record.offset(), attempt,
                    wait, failure);
            meters.retried();
            if (trace != null) {
                timepoint(trace, Timepoint.RETRIED, record, type, attempt + 1, wait, error);
            }
            if (!context.awaitBackoff(wait)) {
                throw new AbortDeliveryException("stopping during back-off");
            }
        }
    }

    private void deadLetter(EffectiveBinding binding, IncomingRecord record, String reason, Throwable failure,
                            int attempts, HeraldMetrics.ConsumeMeters meters, DeliveryContext context, Trace trace,
                            String type) {
        List<Header> headers = DeadLetters.letter(reason, record.topic(), record.partition(), record.offset())
                .by(group, attempts).failure(failure).headers(record.headers(), Header::key, RecordHeader::new);
        OutgoingRecord out = new OutgoingRecord(binding.deadLetterTopic(), record.key(), record.value(),
                System.currentTimeMillis(), headers);
        while (true) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            transport.publish(out, (p, o, t, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
            try {
                done.get(60, TimeUnit.SECONDS);
                meters.deadLettered(reason);
                if (trace != null) {
                    timepoint(trace, Timepoint.DEAD_LETTERED, record, type, attempts, -1,
                            failure == null ? reason : reason + ": " + error(failure));
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AbortDeliveryException("interrupted while dead-lettering");
            } catch (Exception e) {
                // Committing without the dead-letter copy would lose the message: keep trying until it lands or we stop.
                log.error("Cannot publish {}-{}@{} to dead-letter topic {}, retrying: {}", record.topic(),
                        record.partition(), record.offset(), binding.deadLetterTopic(), e.toString());
                if (!context.awaitBackoff(1_000)) {
                    throw new AbortDeliveryException("stopping while dead-lettering");
                }
            }
        }
    }

    String group() {
        return group;
    }

    String topic() {
        return topic;
    }
}
