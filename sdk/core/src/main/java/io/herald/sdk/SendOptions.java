package io.herald.sdk;

import java.time.Duration;
import java.time.Instant;

/**
 * Per-message options of a send ({@link MessageSender#send(String, String, String, Object, SendOptions)}).
 * Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * sender.send("trade", "pay-succ", orderId, payment, SendOptions.defaults()
 *         .withMessageId("pay-" + paymentId)              // the idempotency key consumers see as ce_id
 *         .withTimeToLive(Duration.ofMinutes(5)));        // not delivered after that: dead-lettered as "expired"
 * }</pre>
 */
public final class SendOptions {

    /** The longest message id accepted (the control plane stores ids up to this length). */
    public static final int MAX_MESSAGE_ID_LENGTH = 200;

    private static final SendOptions DEFAULTS = new SendOptions(null, null);

    private final String messageId;
    private final Instant expiresAt;

    private SendOptions(String messageId, Instant expiresAt) {
        this.messageId = messageId;
        this.expiresAt = expiresAt;
    }

    /** No options: a generated id. */
    public static SendOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The message id ({@code ce_id}) instead of a generated one: an idempotency key of the caller's
     * choosing (KiteQ's messageId), at most {@value #MAX_MESSAGE_ID_LENGTH} characters. Herald does not
     * make it unique; consumers deduplicate by it.
     *
     * @throws InvalidMessageIdException when it is null, blank or longer than {@value #MAX_MESSAGE_ID_LENGTH} characters
     */
    public SendOptions withMessageId(String messageId) {
        if (messageId == null || messageId.isBlank()) {
            throw new InvalidMessageIdException(messageId, "message id " + (messageId == null ? "null" : "'" + messageId + "'")
                    + " is blank: give a non-blank id, or leave it out for a generated one");
        }
        if (messageId.length() > MAX_MESSAGE_ID_LENGTH) {
            throw new InvalidMessageIdException(messageId, "message id '" + messageId.substring(0, 40) + "…' is "
                    + messageId.length() + " characters long; at most " + MAX_MESSAGE_ID_LENGTH + " are allowed");
        }
        return new SendOptions(messageId, expiresAt);
    }

    /**
     * The time after which the message is no longer delivered (KiteQ's ExpiredTime): a listener or push
     * processor that gets it later dead-letters it with reason {@code expired} without calling its
     * handler. Written as the record header {@code herald-expires-at}.
     *
     * @throws IllegalArgumentException when it is null or not in the future
     */
    public SendOptions withExpiresAt(Instant expiresAt) {
        if (expiresAt == null || !expiresAt.isAfter(Instant.now())) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " is not in the future: the message would expire"
                    + " before anyone could receive it");
        }
        return new SendOptions(messageId, expiresAt);
    }

    /**
     * As {@link #withExpiresAt(Instant)}, counted from now.
     *
     * @throws IllegalArgumentException when it is null, zero or negative
     */
    public SendOptions withTimeToLive(Duration timeToLive) {
        if (timeToLive == null || timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive " + timeToLive + " must be positive");
        }
        return withExpiresAt(Instant.now().plus(timeToLive));
    }

    /** The caller's message id, or {@code null} for a generated one. */
    public String messageId() {
        return messageId;
    }

    /** When the message expires, or {@code null} for never. */
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "SendOptions[messageId=" + messageId + ", expiresAt=" + expiresAt + "]";
    }
}
