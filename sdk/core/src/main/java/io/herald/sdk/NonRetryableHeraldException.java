package io.herald.sdk;

/**
 * A failure that repeats until the code, the payload or the catalog changes. A listener that
 * throws one sends the message to the dead-letter topic at once, without retries.
 */
public class NonRetryableHeraldException extends HeraldException {

    /**
     * For listeners: throw this (or a subclass) to dead-letter a message without retrying it.
     *
     * @param message what is wrong
     * @param cause   the underlying failure, or {@code null}
     */
    public NonRetryableHeraldException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetryable() {
        return false;
    }
}
