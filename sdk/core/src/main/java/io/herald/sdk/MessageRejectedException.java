package io.herald.sdk;

/** Kafka refused the record for good (e.g. record too large, not authorised for the topic). */
public final class MessageRejectedException extends NonRetryableHeraldException {

    public MessageRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
