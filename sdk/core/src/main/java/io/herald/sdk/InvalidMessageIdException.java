package io.herald.sdk;

/** A caller-chosen message id ({@link SendOptions#withMessageId(String)}) that Herald cannot use. */
public final class InvalidMessageIdException extends NonRetryableHeraldException {

    private final String messageId;

    public InvalidMessageIdException(String messageId, String message) {
        super(message, null);
        this.messageId = messageId;
    }

    /** The id that was given (possibly null or blank). */
    public String messageId() {
        return messageId;
    }
}
