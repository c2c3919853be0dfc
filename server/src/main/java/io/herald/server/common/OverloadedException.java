package io.herald.server.common;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * This server instance is at a configured capacity limit; the request was not taken on and can be
 * sent again after {@link #retryAfter()} (503 with {@code Retry-After}).
 */
public class OverloadedException extends HeraldException {

    private final Duration retryAfter;

    public OverloadedException(String message, Duration retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.SERVICE_UNAVAILABLE;
    }

    @Override
    public String title() {
        return "Over capacity";
    }
}
