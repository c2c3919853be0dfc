package io.herald.sdk;

/**
 * Kafka refused the record with an error it marks as transient (e.g. not enough replicas). Retry
 * with {@link #messageId()} so that a record Kafka did write is not doubled.
 */
public final class SendFailedException extends RetryableHeraldException {

    public SendFailedException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public SendFailedException(String message, Throwable cause, String messageId) {
        super(message, cause, messageId);
    }

    @Override
    public SendFailedException forMessage(String messageId) {
        return new SendFailedException(bareMessage(), getCause(), messageId);
    }
}
