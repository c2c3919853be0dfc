package io.herald.sdk;

/**
 * The local transaction of a two-phase message threw; the message was rolled back. The cause is
 * the exception the local transaction threw.
 */
public final class LocalTransactionException extends NonRetryableHeraldException {

    private final String messageId;

    public LocalTransactionException(String messageId, Throwable cause) {
        super("The local transaction of message " + messageId + " failed; the message is rolled back: " + cause, cause);
        this.messageId = messageId;
    }

    /** The rolled-back message's id. */
    public String messageId() {
        return messageId;
    }
}
