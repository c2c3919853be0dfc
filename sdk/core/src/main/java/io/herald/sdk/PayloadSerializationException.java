package io.herald.sdk;

/** The payload could not be written as JSON, or a received payload could not be read. */
public final class PayloadSerializationException extends NonRetryableHeraldException {

    public PayloadSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
