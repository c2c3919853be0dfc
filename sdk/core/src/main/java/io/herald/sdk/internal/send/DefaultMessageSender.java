package io.herald.sdk.internal.send;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.HeraldException;
import io.herald.sdk.MessageSender;
import io.herald.sdk.SchemaViolationException;
import io.herald.sdk.SendResult;
import io.herald.sdk.internal.codec.MessageIds;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    @Override
    public CompletableFuture<SendResult> sendAsync(String topic, String type, String key, Object payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        HeraldMetrics.SendMeters meters = metrics.send(topic, type);
        try {
            Catalog.TypeEntry typeEntry = validate ? catalog.get().check(topic, type) : null;
            byte[] value = codec.encode(payload);
            if (typeEntry != null && typeEntry.schema() != null) {
                JsonNode node = codec.tree(payload, value);
                List<String> violations = node == null ? List.of("$: payload is not JSON") : typeEntry.validate(node);
                if (!violations.isEmpty()) {
                    throw new SchemaViolationException(topic, type, violations);
                }
            }
            long now = System.currentTimeMillis();
            byte[] id = MessageIds.next(now);
            Header typeHeader = typeEntry != null ? typeEntry.typeHeader() : typeHeader(type);
            // ce_type goes last: consumers look it up for every record with lastHeader(), which decodes
            // header keys from the end until it finds the name.
            ArrayList<Header> headers = new ArrayList<>(6);
            headers.add(WireHeaders.SPEC_VERSION);
            headers.add(new RecordHeader(HeraldHeaders.CE_ID, id));
            headers.add(sourceHeader);
            headers.add(WireHeaders.time(now));
            headers.add(PayloadCodec.contentType(payload));
            headers.add(typeHeader);
            byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
            PendingSend pending = new PendingSend(topic, id, meters);
            transport.publish(new OutgoingRecord(topic, keyBytes, value, now, headers), pending);
            return pending;
        } catch (RuntimeException e) {
            meters.error(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The future handed to the caller and the transport's callback in one object: one allocation less per send. */
    private static final class PendingSend extends CompletableFuture<SendResult> implements PublishCallback {
        private final String topic;
        private final byte[] id;
        private final HeraldMetrics.SendMeters meters;
        private final long start = System.nanoTime();

        PendingSend(String topic, byte[] id, HeraldMetrics.SendMeters meters) {
            this.topic = topic;
            this.id = id;
            this.meters = meters;
        }

        @Override
        public void onComplete(int partition, long offset, long timestamp, Exception error) {
            if (error == null) {
                meters.sent(start);
                complete(new SendResult(new String(id, StandardCharsets.ISO_8859_1), topic, partition, offset,
                        Instant.ofEpochMilli(timestamp)));
            } else {
                meters.error(error);
                completeExceptionally(error);
            }
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

    private SendResult await(CompletableFuture<SendResult> future) {
        try {
            return future.get(blockingTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HeraldException he) {
                throw he;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("No acknowledgement within " + blockingTimeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while waiting for the acknowledgement", e);
        }
    }
}
