package io.herald.sdk;

/**
 * Base of every exception the Herald SDK throws. Each subclass has one meaning; they split into
 * {@link RetryableHeraldException} (the same call may succeed later, e.g. the broker is back) and
 * {@link NonRetryableHeraldException} (the call is wrong and fails again until the code or the
 * catalog changes).
 */
public abstract class HeraldException extends RuntimeException {

    HeraldException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same call may succeed. */
    public abstract boolean isRetryable();
}
