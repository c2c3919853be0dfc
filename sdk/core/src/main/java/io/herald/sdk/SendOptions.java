package io.herald.sdk;

/**
 * Per-message options of a send ({@link MessageSender#send(String, String, String, Object, SendOptions)}).
 * Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * sender.send("trade", "pay-succ", orderId, payment, SendOptions.defaults()
 *         .withMessageId("pay-" + paymentId));            // the idempotency key consumers see as ce_id
 * }</pre>
 */
public final class SendOptions {

    /** The longest message id accepted (the control plane stores ids up to this length). */
    public static final int MAX_MESSAGE_ID_LENGTH = 200;

    private static final SendOptions DEFAULTS = new SendOptions(null);

    private final String messageId;

    private SendOptions(String messageId) {
        this.messageId = messageId;
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
        return new SendOptions(messageId);
    }

    /** The caller's message id, or {@code null} for a generated one. */
    public String messageId() {
        return messageId;
    }

    @Override
    public String toString() {
        return "SendOptions[messageId=" + messageId + "]";
    }
}
