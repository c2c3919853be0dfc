package io.herald.sdk.internal.send;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.sdk.DelayTooLongException;
import io.herald.sdk.DelayedSendResult;
import io.herald.sdk.MessageSender;
import io.herald.sdk.RetryableHeraldException;
import io.herald.sdk.SchemaViolationException;
import io.herald.sdk.SendOptions;
import io.herald.sdk.SendResult;
import io.herald.sdk.TraceContext;
import io.herald.sdk.internal.codec.MessageIds;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.internal.trace.SentTimepoint;
import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.Traceparents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The sender. The hot path does no blocking check and no per-send JSON work beyond the payload
 * itself: catalog look-ups are map reads on an immutable snapshot, constant headers are shared,
 * ids come from {@link MessageIds}.
 */
public final class DefaultMessageSender implements MessageSender {

    private final Transport transport;
    private final Supplier<Catalog> catalog;
    private final PayloadCodec codec;
    private final HeraldMetrics metrics;
    private final Header sourceHeader;
    private final boolean validate;
    private final String defaultType;
    private final long blockingTimeoutMillis;
    private final Map<String, Header> typeHeaders = new ConcurrentHashMap<>();
    private volatile Tracer tracer = Tracer.OFF;
    private volatile long maxDelayMillis = Duration.ofDays(30).toMillis();
    private static final Header SAMPLED = WireHeaders.header(HeraldHeaders.TRACE_SAMPLED, "1");
    private static final Header NOT_SAMPLED = WireHeaders.header(HeraldHeaders.TRACE_SAMPLED, "0");

    public DefaultMessageSender(Transport transport, Supplier<Catalog> catalog, PayloadCodec codec, HeraldMetrics metrics,
                                String app, boolean validate, String defaultType, long blockingTimeoutMillis) {
        this.transport = transport;
        this.catalog = catalog;
        this.codec = codec;
        this.metrics = metrics;
        this.sourceHeader = WireHeaders.header(HeraldHeaders.CE_SOURCE, app);
        this.validate = validate;
        this.defaultType = defaultType;
        this.blockingTimeoutMillis = blockingTimeoutMillis;
    }

    /** Records SENT timepoints and puts traceparents on messages. */
    public void tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The longest delay {@link #sendAtAsync} accepts ({@code herald.producer.max-delay-ms}). */
    public void maxDelay(long millis) {
        this.maxDelayMillis = millis;
    }

    @Override
    public CompletableFuture<SendResult> sendAsync(String topic, String type, String key, Object payload) {
        return publish(topic, type, key, payload, 0L, null, null);
    }

    @Override
    public CompletableFuture<SendResult> sendAsync(String topic, String type, String key, Object payload, SendOptions options) {
        return publish(topic, type, key, payload, 0L, null, options == SendOptions.defaults() ? null : options);
    }

    @Override
    public SendResult send(String topic, String type, String key, Object payload, SendOptions options) {
        return await(sendAsync(topic, type, key, payload, options));
    }

    @Override
    public CompletableFuture<DelayedSendResult> sendAtAsync(String topic, String type, String key, Object payload,
                                                            Instant at) {
        Objects.requireNonNull(at, "at");
        long now = System.currentTimeMillis();
        long due = at.toEpochMilli();
        long max = maxDelayMillis;
        if (due - now > max) {
            DelayTooLongException e = new DelayTooLongException(topic, at, Duration.ofMillis(max));
            metrics.send(topic, type == null ? "" : type).error(e);
            return CompletableFuture.failedFuture(e);
        }
        if (due <= now) {
            // Due already: straight to the topic, as if sent now; no delay id (nothing left to cancel).
            return publish(topic, type, key, payload, 0L, null, null)
                    .thenApply(r -> new DelayedSendResult(null, r.messageId(), topic, at, r));
        }
        String delayId = UUID.randomUUID().toString();
        return publish(topic, type, key, payload, due, delayId, null)
                .thenApply(r -> new DelayedSendResult(delayId, r.messageId(), topic, at, r));
    }

    @Override
    public DelayedSendResult sendAt(String topic, String type, String key, Object payload, Instant at) {
        return await(sendAtAsync(topic, type, key, payload, at));
    }

    /**
     * Encodes, checks and publishes one message. {@code delayUntil > 0} writes it to
     * {@link HeraldTopics#DELAY} instead, with the final record's headers plus the due time,
     * the target topic and the delay id, for the server's scheduler.
     */
    private CompletableFuture<SendResult> publish(String topic, String type, String key, Object payload, long delayUntil,
                                                  String delayId, SendOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Catalog current = validate ? catalog.get() : null;
        LastTarget last = lastTarget;
        HeraldMetrics.SendMeters meters;
        Catalog.TypeEntry typeEntry;
        boolean cached = last != null && last.catalog == current && (last.topic == topic || last.topic.equals(topic))
                         && (last.type == type || last.type.equals(type));
        if (cached) {
            // most senders write one or a few (topic, type): no map look-up for the meters or the catalog
            meters = last.meters;
            typeEntry = last.typeEntry;
        } else {
            meters = metrics.send(topic, type);
            typeEntry = null;
        }
        try {
            if (!cached) {
                typeEntry = current != null ? current.check(topic, type) : null;
                lastTarget = new LastTarget(current, topic, type, typeEntry, meters);
            }
            byte[] value = codec.encode(payload);
            if (typeEntry != null && typeEntry.schema() != null) {
                JsonNode node = codec.tree(payload, value);
                List<String> violations = node == null ? List.of("$: payload is not JSON") : typeEntry.validate(node);
                if (!violations.isEmpty()) {
                    throw new SchemaViolationException(topic, type, violations);
                }
            }
            long now = System.currentTimeMillis();
            String chosenId = options == null ? null : options.messageId();
            byte[] id = chosenId != null ? chosenId.getBytes(StandardCharsets.UTF_8) : MessageIds.next(now);
            Header typeHeader = typeEntry != null ? typeEntry.typeHeader() : typeHeader(type);
            // Consumers read headers from the end (Kafka decodes a header's name only when asked, and
            // lastHeader() asks from the last one on), so what they need comes last: ce_type last, and
            // ce_id, traceparent and Herald's own headers after the constant ones; a consumer's scan
            // stops at ce_id.
            Tracer t = tracer;
            byte[] traceparent = null;
            boolean sampled = false;
            Header traceparentHeader;
            Header sampledHeader = null;
            if (t.enabled()) {
                sampled = t.sample(topic);
                String caller = t.callerTraceparent();
                if (caller != null) {
                    traceparent = caller.getBytes(StandardCharsets.US_ASCII);
                    if (!Boolean.valueOf(sampled).equals(Traceparents.sampledFlag(traceparent))) {
                        // the caller's trace says otherwise: Herald's own decision travels beside it
                        sampledHeader = sampled ? SAMPLED : NOT_SAMPLED;
                    }
                } else {
                    traceparent = chosenId == null ? Tracer.newTraceparent(id, sampled) : Tracer.newTraceparent(sampled);
                }
                traceparentHeader = new RecordHeader(HeraldHeaders.TRACEPARENT, traceparent);
            } else {
                // No timepoints, but the trace context travels all the same: the caller's, else a new
                // one whose flag says that nobody records this message.
                String caller = TraceContext.current();
                traceparentHeader = caller != null ? WireHeaders.header(HeraldHeaders.TRACEPARENT, caller)
                        : new RecordHeader(HeraldHeaders.TRACEPARENT,
                                chosenId == null ? Tracer.newTraceparent(id, false) : Tracer.newTraceparent(false));
            }
            Header dataschema = typeEntry != null ? typeEntry.dataschemaHeader() : null;
            boolean expires = options != null && options.expiresAt() != null;
            // Consumers read headers from the end (Kafka decodes a header's name only when asked, and
            // lastHeader() asks from the last one on), so what they need comes last: ce_type last, and
            // ce_id, traceparent and Herald's own headers after the constant ones; a consumer's scan
            // stops at ce_id. An array of the exact size: the transport copies it into its record.
            Header[] headers = new Header[6 + (delayUntil > 0 ? 4 : 0) + (dataschema != null ? 1 : 0)
                                          + (sampledHeader != null ? 1 : 0) + (expires ? 1 : 0)];
            int n = 0;
            headers[n++] = WireHeaders.SPEC_VERSION;
            headers[n++] = sourceHeader;
            // No ce_time: the Kafka record's timestamp (CreateTime, set to now below) is the event time.
            // A delayed record keeps it, since the record that finally reaches the topic is written later.
            if (delayUntil > 0) {
                headers[n++] = WireHeaders.time(now);
            }
            headers[n++] = PayloadCodec.contentType(payload);
            if (dataschema != null) {
                headers[n++] = dataschema;
            }
            headers[n++] = new RecordHeader(HeraldHeaders.CE_ID, id);
            headers[n++] = traceparentHeader;
            if (sampledHeader != null) {
                headers[n++] = sampledHeader;
            }
            String destination = topic;
            if (delayUntil > 0) {
                destination = HeraldTopics.DELAY;
                headers[n++] = WireHeaders.header(HeraldHeaders.DELAY_UNTIL, Long.toString(delayUntil));
                headers[n++] = WireHeaders.header(HeraldHeaders.TARGET_TOPIC, topic);
                headers[n++] = WireHeaders.header(HeraldHeaders.DELAY_ID, delayId);
            }
            if (expires) {
                headers[n++] = WireHeaders.header(HeraldHeaders.EXPIRES_AT, Long.toString(options.expiresAt().toEpochMilli()));
            }
            headers[n] = typeHeader;
            byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
            PendingSend pending = sampled ? new TracedSend(destination, id, meters, t, type, key, traceparent)
                    : new PendingSend(destination, id, meters);
            transport.publish(destination, keyBytes, value, now, headers, pending);
            return pending;
        } catch (RuntimeException e) {
            meters.error(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The (catalog, topic, type) of the last send and what was looked up for it; racy on purpose: a
     * reader compares all three, and a check that threw is never kept. A new snapshot is a new
     * catalog, so a type removed by the control plane is checked again.
     */
    private LastTarget lastTarget;

    private record LastTarget(Catalog catalog, String topic, String type, Catalog.TypeEntry typeEntry,
                              HeraldMetrics.SendMeters meters) {
    }

    /**
     * The future handed to the caller and the transport's callback in one object: with the result
     * (whose id and timestamp are decoded only when read), the one object Herald adds per send. A
     * traced message's is a {@link TracedSend}, which also is its SENT timepoint.
     */
    private static class PendingSend extends CompletableFuture<SendResult> implements PublishCallback {
        final String topic;
        /** The message id's UTF-8 bytes (ASCII when Herald made it), as in the ce_id header. */
        final byte[] id;
        private final HeraldMetrics.SendMeters meters;
        final long start = System.nanoTime();

        PendingSend(String topic, byte[] id, HeraldMetrics.SendMeters meters) {
            this.topic = topic;
            this.id = id;
            this.meters = meters;
        }

        @Override
        public void onComplete(int partition, long offset, long timestamp, Exception error) {
            if (error == null) {
                meters.sent(start);
                acknowledged(partition, offset, timestamp);
                complete(SendResult.acknowledged(id, topic, partition, offset, timestamp));
            } else {
                meters.error(error);
                if (error instanceof RetryableHeraldException r && r.messageId() == null) {
                    // the caller retries with this id (SendOptions.withMessageId): a record Kafka wrote
                    // after all and its repeat then carry the same ce_id
                    error = r.forMessage(messageId());
                }
                completeExceptionally(error);
            }
        }

        /** A traced message records its SENT timepoint here. */
        void acknowledged(int partition, long offset, long timestamp) {
        }

        String messageId() {
            return new String(id, StandardCharsets.UTF_8);
        }
    }

    /**
     * A traced message's send: also its SENT timepoint, so nothing is formatted for the trace on the
     * thread that sees the acknowledgement.
     */
    private static final class TracedSend extends PendingSend implements SentTimepoint {
        private final Tracer tracer;
        private final String type;
        private final String key;
        private final byte[] traceparent;
        private int partition;
        /** An int beside the partition's: 8 bytes fewer per traced send (a send's latency is well under 24 days). */
        private int durationMs;
        private long offset;
        private long brokerTime;
        private long ackedAt;

        TracedSend(String topic, byte[] id, HeraldMetrics.SendMeters meters, Tracer tracer, String type, String key,
                   byte[] traceparent) {
            super(topic, id, meters);
            this.tracer = tracer;
            this.type = type;
            this.key = key;
            this.traceparent = traceparent;
        }

        @Override
        void acknowledged(int partition, long offset, long timestamp) {
            this.partition = partition;
            this.offset = offset;
            this.brokerTime = timestamp;
            this.durationMs = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - start) / 1_000_000);
            this.ackedAt = System.currentTimeMillis();
            tracer.sent(this); // the queue's hand-off publishes these fields to the shipper
        }

        @Override
        public byte[] messageIdBytes() {
            return id;
        }

        @Override
        public byte[] traceparentBytes() {
            return traceparent;
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public int partition() {
            return partition;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public long brokerTime() {
            return brokerTime;
        }

        @Override
        public long durationMs() {
            return durationMs;
        }

        @Override
        public long ackedAt() {
            return ackedAt;
        }
    }

    private Header typeHeader(String type) {
        Header h = typeHeaders.get(type);
        if (h == null) {
            h = typeHeaders.computeIfAbsent(type, t -> WireHeaders.header(HeraldHeaders.CE_TYPE, t));
        }
        return h;
    }

    @Override
    public SendResult send(String topic, String type, String key, Object payload) {
        return await(sendAsync(topic, type, key, payload));
    }

    @Override
    public SendResult send(String topic, Object payload) {
        String type = validate ? catalog.get().onlyType(topic) : null;
        return send(topic, type == null ? defaultType : type, null, payload);
    }

    private <R> R await(CompletableFuture<R> future) {
        return Acks.await(future, blockingTimeoutMillis, future instanceof PendingSend p ? p.messageId() : null);
    }
}
