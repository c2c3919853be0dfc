package io.herald.sdk;

/** Kafka refused the record with an error it marks as transient (e.g. not enough replicas). */
public final class SendFailedException extends RetryableHeraldException {

    public SendFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
