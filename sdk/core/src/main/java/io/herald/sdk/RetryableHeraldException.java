package io.herald.sdk;

/** A failure that may go away by itself: repeating the same call later may succeed. */
public abstract class RetryableHeraldException extends HeraldException {

    RetryableHeraldException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetryable() {
        return true;
    }
}
