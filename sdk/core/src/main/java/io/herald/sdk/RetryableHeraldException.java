package io.herald.sdk;

/**
 * A failure that may go away by itself: repeating the same call later may succeed. When the
 * failure concerns a message that was attempted, {@link #messageId()} is its id: repeat the send
 * with {@link SendOptions#withMessageId(String)} and that id, and a record Kafka did write after
 * all carries the same {@code ce_id} as the repeat, so consumers can drop the second one.
 */
public abstract class RetryableHeraldException extends HeraldException {

    private final String messageId;

    RetryableHeraldException(String message, Throwable cause) {
        this(message, cause, null);
    }

    RetryableHeraldException(String message, Throwable cause, String messageId) {
        super(messageId == null ? message : message + " [message id " + messageId + "]", cause);
        this.messageId = messageId;
    }

    @Override
    public final boolean isRetryable() {
        return true;
    }

    /**
     * The id ({@code ce_id}) of the message that was attempted, or {@code null} when no message
     * was concerned. Kafka may have written that record although the send failed (the
     * acknowledgement was lost): retry with this id, never with a new one.
     */
    public String messageId() {
        return messageId;
    }

    /** The message without the id suffix this class adds. */
    String bareMessage() {
        String m = getMessage();
        return messageId == null ? m : m.substring(0, m.length() - (" [message id " + messageId + "]").length());
    }

    /** The same failure, naming the message that was attempted (used by the sender). */
    public abstract RetryableHeraldException forMessage(String messageId);
}
