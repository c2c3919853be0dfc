package io.herald.sdk.internal.tx;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.sdk.LocalTransaction;
import io.herald.sdk.LocalTransactionException;
import io.herald.sdk.SchemaViolationException;
import io.herald.sdk.TransactionResult;
import io.herald.sdk.TransactionState;
import io.herald.sdk.internal.codec.MessageIds;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.internal.send.Acks;
import io.herald.sdk.internal.send.Catalog;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.TxProtocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-phase sends: the half message goes to {@code herald.tx.half} and is acknowledged by every
 * in-sync replica (the transport's producer runs with acks=all) before the local transaction
 * starts, so a decision never refers to a message that could still be lost; the decision goes to
 * {@code herald.tx.decision} without waiting (a lost one is settled by the check-back). Nobody consumes the half topic but the server's transaction worker,
 * which publishes to the real topic only on COMMIT. See {@link TxProtocol}.
 */
public final class TwoPhaseSender {

    private static final Logger log = LoggerFactory.getLogger(TwoPhaseSender.class);

    private final Transport transport;
    private final Supplier<Catalog> catalog;
    private final PayloadCodec codec;
    private final String app;
    private final boolean validate;
    private final long timeoutMillis;

    public TwoPhaseSender(Transport transport, Supplier<Catalog> catalog, PayloadCodec codec, String app, boolean validate,
                          long timeoutMillis) {
        this.transport = transport;
        this.catalog = catalog;
        this.codec = codec;
        this.app = app;
        this.validate = validate;
        this.timeoutMillis = timeoutMillis;
    }

    public TransactionResult send(String topic, String type, String key, Object payload, LocalTransaction local) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(local, "localTransaction");
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
        byte[] idBytes = MessageIds.next(now);
        String id = new String(idBytes, StandardCharsets.ISO_8859_1);
        ArrayList<Header> headers = new ArrayList<>(9);
        headers.add(WireHeaders.SPEC_VERSION);
        headers.add(WireHeaders.header(HeraldHeaders.CE_ID, id));
        headers.add(WireHeaders.header(HeraldHeaders.CE_SOURCE, app));
        headers.add(WireHeaders.time(now));
        headers.add(PayloadCodec.contentType(payload));
        headers.add(WireHeaders.header(HeraldHeaders.CE_TYPE, type));
        headers.add(WireHeaders.header(HeraldHeaders.TARGET_TOPIC, topic));
        headers.add(WireHeaders.header(HeraldHeaders.TX, TxProtocol.HALF));
        if (key != null) {
            headers.add(WireHeaders.header(TxProtocol.KEY, key));
        }
        // No Kafka key: the id travels in ce_id. Keyed by id, half messages spread over every partition and
        // each waited out the whole linger.ms in a batch of its own; without a key they share the sticky
        // partition's batch (KIP-794) like plain sends, so a two-phase send costs what a plain one does.
        publish(new OutgoingRecord(HeraldTopics.TX_HALF, null, value, now, headers));

        TransactionState state;
        try {
            state = local.execute(id);
        } catch (Exception | Error e) {
            decideQuietly(id, TransactionState.ROLLBACK, TxProtocol.FROM_PRODUCER);
            if (e instanceof Error error) {
                throw error;
            }
            throw new LocalTransactionException(id, e);
        }
        if (state == null) {
            state = TransactionState.UNKNOWN;
        }
        if (state != TransactionState.UNKNOWN) {
            decideQuietly(id, state, TxProtocol.FROM_PRODUCER);
        }
        return new TransactionResult(id, topic, state);
    }

    /**
     * Sends a decision without waiting for Kafka (like RocketMQ's one-way end of a transaction): a
     * lost decision is not an error for the caller, because the server asks the checker after the
     * check interval, so the outcome is the same, only later. Not waiting keeps a two-phase send at
     * one broker round trip (the half message's), the same as a plain blocking send.
     */
    void decideQuietly(String id, TransactionState state, String origin) {
        try {
            transport.publish(decision(app, id, state, origin), (partition, offset, timestamp, error) -> {
                if (error != null) {
                    log.warn("Decision {} for message {} not sent ({}); the check-back will settle it", state, id, error.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Decision {} for message {} not sent ({}); the check-back will settle it", state, id, e.toString());
        }
    }

    static OutgoingRecord decision(String app, String id, TransactionState state, String origin) {
        ArrayList<Header> headers = new ArrayList<>(3);
        headers.add(WireHeaders.header(HeraldHeaders.CE_ID, id));
        headers.add(WireHeaders.header(HeraldHeaders.CE_SOURCE, app));
        headers.add(WireHeaders.header(HeraldHeaders.TX, origin));
        String value = state == TransactionState.COMMIT ? TxProtocol.COMMIT : TxProtocol.ROLLBACK;
        return new OutgoingRecord(HeraldTopics.TX_DECISION, null, value.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(),
                headers);
    }

    void publish(OutgoingRecord record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        transport.publish(record, (partition, offset, timestamp, error) -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        });
        Acks.await(done, timeoutMillis);
    }
}
