package io.herald.sdk.internal.listen;

import io.herald.sdk.NonRetryableHeraldException;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.spi.AbortDeliveryException;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
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

    private final String group;
    private final String topic;
    private final Transport transport;
    private final HeraldMetrics metrics;
    private volatile Endpoint[] endpoints = new Endpoint[0];

    public BindingDispatcher(String group, String topic, Transport transport, HeraldMetrics metrics) {
        this.group = group;
        this.topic = topic;
        this.transport = transport;
        this.metrics = metrics;
    }

    void endpoints(List<Endpoint> endpoints) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
    }

    @Override
    public void process(IncomingRecord record, DeliveryContext context) {
        String type = type(record);
        for (Endpoint endpoint : endpoints) {
            EffectiveBinding binding = endpoint.effective();
            if (binding != null && binding.matches(type)) {
                deliver(endpoint, binding, record, type, context);
            }
        }
    }

    /** The last decoded type: a topic carries few types, so most records repeat it and skip the decoding. */
    private volatile DecodedType lastType = new DecodedType(new byte[0], "");

    private record DecodedType(byte[] bytes, String text) {
    }

    private String type(IncomingRecord record) {
        Header h = record.headers().lastHeader(HeraldHeaders.CE_TYPE);
        byte[] bytes = h == null ? null : h.value();
        if (bytes == null) {
            return "";
        }
        DecodedType last = lastType;
        if (java.util.Arrays.equals(last.bytes, bytes)) {
            return last.text;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        lastType = new DecodedType(bytes, text);
        return text;
    }

    private void deliver(Endpoint endpoint, EffectiveBinding binding, IncomingRecord record, String type,
                         DeliveryContext context) {
        HeraldMetrics.ConsumeMeters meters = endpoint.meters(metrics, type);
        meters.received();
        if (binding.expiryMillis() != null && record.timestamp() >= 0
            && System.currentTimeMillis() - record.timestamp() > binding.expiryMillis()) {
            deadLetter(binding, record, REASON_EXPIRED, null, 0, meters, context);
            return;
        }
        ListenerInvoker invoker = endpoint.invoker();
        Object payload;
        try {
            payload = invoker.convert(record.value());
        } catch (RuntimeException e) {
            deadLetter(binding, record, REASON_UNREADABLE, e, 0, meters, context);
            return;
        }
        DeliveredMessage<Object> message = invoker.wantsMessage() ? new DeliveredMessage<>(record, type, payload) : null;
        for (int attempt = 1; ; attempt++) {
            if (message != null) {
                message.attempt = attempt;
            }
            long start = System.nanoTime();
            try {
                invoker.invoke(payload, message);
                meters.handled(System.nanoTime() - start);
                return;
            } catch (Throwable failure) {
                if (context.isStopping()) {
                    // Interrupted by shutdown: leave it uncommitted, another consumer gets it again.
                    throw new AbortDeliveryException("stopping while handling " + record.topic() + "-"
                                                      + record.partition() + "@" + record.offset());
                }
                if (failure instanceof Error error && !(failure instanceof AssertionError)) {
                    throw error;
                }
                meters.failed();
                EffectiveBinding current = endpoint.effective() != null ? endpoint.effective() : binding;
                boolean nonRetryable = failure instanceof NonRetryableHeraldException;
                if (nonRetryable || attempt >= current.deliveryLimit()) {
                    log.warn("Listener {} failed on {}-{}@{} (attempt {}), dead-lettering to {}: {}", invoker,
                            record.topic(), record.partition(), record.offset(), attempt, current.deadLetterTopic(),
                            failure.toString());
                    deadLetter(current, record, nonRetryable ? REASON_NON_RETRYABLE : REASON_EXHAUSTED, failure,
                            attempt, meters, context);
                    return;
                }
                long wait = current.backoffFor(attempt);
                log.debug("Listener {} failed on {}-{}@{} (attempt {}), retrying in {} ms", invoker, record.topic(),
                        record.partition(), record.offset(), attempt, wait, failure);
                meters.retried();
                if (!context.awaitBackoff(wait)) {
                    throw new AbortDeliveryException("stopping during back-off");
                }
            }
        }
    }

    private void deadLetter(EffectiveBinding binding, IncomingRecord record, String reason, Throwable failure,
                            int attempts, HeraldMetrics.ConsumeMeters meters, DeliveryContext context) {
        ArrayList<Header> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            if (!h.key().startsWith("herald-dlt-") && !h.key().equals(HeraldHeaders.ATTEMPT)) {
                headers.add(h);
            }
        }
        headers.add(WireHeaders.header(HeraldHeaders.DLT_REASON, reason));
        headers.add(WireHeaders.header(HeraldHeaders.DLT_ORIGINAL_TOPIC, record.topic()));
        headers.add(WireHeaders.header(HeraldHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition())));
        headers.add(WireHeaders.header(HeraldHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset())));
        headers.add(WireHeaders.header(HeraldHeaders.DLT_GROUP, group));
        headers.add(WireHeaders.header(HeraldHeaders.ATTEMPT, Integer.toString(attempts)));
        if (failure != null) {
            headers.add(WireHeaders.header(HeraldHeaders.DLT_EXCEPTION_CLASS, failure.getClass().getName()));
            String msg = String.valueOf(failure.getMessage());
            headers.add(WireHeaders.header(HeraldHeaders.DLT_EXCEPTION_MESSAGE,
                    msg.length() > 2000 ? msg.substring(0, 2000) : msg));
        }
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
