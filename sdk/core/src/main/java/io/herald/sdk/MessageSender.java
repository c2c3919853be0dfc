package io.herald.sdk;

import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to Herald topics. Thread-safe; get it from {@link Herald#sender()} (or inject
 * it in Spring).
 *
 * <p>Payloads: {@code String} is sent as UTF-8 text ({@code text/plain}), {@code byte[]} as it is
 * ({@code application/octet-stream}), anything else as JSON ({@code application/json}). Before a
 * record leaves, the sender checks it against the catalog the control plane pushed: the topic
 * exists and this app may produce to it ({@link UnknownTopicException},
 * {@link ProduceNotAllowedException}), the type is declared on it ({@link UndeclaredTypeException})
 * and the payload satisfies the type's JSON Schema ({@link SchemaViolationException}).
 *
 * <p>A dead broker never blocks a caller for longer than {@code herald.producer.max-block-ms}
 * (the send then fails with {@link BrokerUnavailableException}).
 */
public interface MessageSender {

    /**
     * Sends a message without waiting for Kafka.
     *
     * @param topic   the topic
     * @param type    the message type declared on the topic
     * @param key     the business key (messages with the same key keep their order), or {@code null}
     * @param payload the payload
     * @return a future completed with Kafka's acknowledgement, or failed with a {@link HeraldException}.
     *         Dependent stages without an executor run on the Kafka client's I/O thread: keep them short.
     */
    CompletableFuture<SendResult> sendAsync(String topic, String type, String key, Object payload);

    /**
     * Sends a message and waits until Kafka acknowledged it.
     *
     * @throws HeraldException what went wrong, retryable or not
     */
    SendResult send(String topic, String type, String key, Object payload);

    /**
     * Sends a message with per-message options (a caller-chosen id, an expiry) without waiting for
     * Kafka; see {@link SendOptions}.
     */
    default CompletableFuture<SendResult> sendAsync(String topic, String type, String key, Object payload, SendOptions options) {
        if (options == null || options == SendOptions.defaults()) {
            return sendAsync(topic, type, key, payload);
        }
        return CompletableFuture.failedFuture(new UnsupportedOperationException("send options"));
    }

    /**
     * Sends a message with per-message options and waits until Kafka acknowledged it.
     *
     * @throws HeraldException what went wrong, retryable or not
     */
    default SendResult send(String topic, String type, String key, Object payload, SendOptions options) {
        try {
            return sendAsync(topic, type, key, payload, options).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** Sends a keyless message and waits for the acknowledgement. */
    default SendResult send(String topic, String type, Object payload) {
        return send(topic, type, null, payload);
    }

    /**
     * The short form: sends a keyless message of the topic's only declared type and waits for the
     * acknowledgement. Fails with {@link UndeclaredTypeException} when the topic declares several
     * types; without any catalog (no control plane reached yet and no cache) the type is
     * {@code herald.producer.default-type}.
     */
    SendResult send(String topic, Object payload);

    /**
     * Sends a message to be delivered to {@code topic} at {@code at}, by the control plane's
     * scheduler: the record goes to {@code herald.delay} now, with the final message's headers
     * (its id is the final message's {@code ce_id}), and the server publishes it to {@code topic}
     * at the due time. A time that has passed already is sent to {@code topic} at once (then
     * {@link DelayedSendResult#delayId()} is {@code null}). The message is checked against the
     * catalog of {@code topic} now, like any send.
     *
     * @return a future completed once Kafka acknowledged the delayed record, or failed with a
     *         {@link HeraldException}; {@link DelayTooLongException} when {@code at} is further
     *         ahead than {@code herald.producer.max-delay-ms} (default 30 days)
     */
    default CompletableFuture<DelayedSendResult> sendAtAsync(String topic, String type, String key, Object payload,
                                                             java.time.Instant at) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("delayed sends"));
    }

    /** {@link #sendAtAsync} and wait for the acknowledgement. */
    default DelayedSendResult sendAt(String topic, String type, String key, Object payload, java.time.Instant at) {
        try {
            return sendAtAsync(topic, type, key, payload, at).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** Like {@link #sendAtAsync}, due {@code delay} from now. */
    default CompletableFuture<DelayedSendResult> sendDelayedAsync(String topic, String type, String key, Object payload,
                                                                  java.time.Duration delay) {
        return sendAtAsync(topic, type, key, payload, java.time.Instant.now().plus(delay));
    }

    /**
     * Sends a message to be delivered {@code delay} from now (see {@link #sendAtAsync}) and waits
     * until Kafka acknowledged the delayed record.
     *
     * @throws DelayTooLongException when the delay exceeds {@code herald.producer.max-delay-ms}
     * @throws HeraldException       what else went wrong, retryable or not
     */
    default DelayedSendResult sendDelayed(String topic, String type, String key, Object payload, java.time.Duration delay) {
        return sendAt(topic, type, key, payload, java.time.Instant.now().plus(delay));
    }
}
