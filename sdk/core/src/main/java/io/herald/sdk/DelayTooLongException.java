package io.herald.sdk;

import java.time.Duration;
import java.time.Instant;

/** A delayed message is due further ahead than {@code herald.producer.max-delay-ms} allows. Not retryable. */
public final class DelayTooLongException extends NonRetryableHeraldException {

    private final Duration maxDelay;

    public DelayTooLongException(String topic, Instant at, Duration maxDelay) {
        super("Delayed message for topic '" + topic + "' is due at " + at + ", more than the longest delay "
              + maxDelay + " (" + maxDelay.toMillis() + " ms, herald.producer.max-delay-ms) ahead", null);
        this.maxDelay = maxDelay;
    }

    /** The limit in force. */
    public Duration maxDelay() {
        return maxDelay;
    }
}
