package io.herald.server.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How long the HTTP server waits for request bodies ({@code herald.http.*}), so that clients sending
 * a body a byte at a time cannot hold its worker threads. A body is read only from an authenticated
 * caller (a valid bearer token or a signed-in console session); a small one (the console's sign-in
 * form) also from anyone else, a few at a time. See {@link RequestBodyGuard}.
 *
 * @param bodyTimeout              the time an authenticated caller's body may take, extended by a second for every
 *                                 {@code bodyMinRate} bytes received; also the longest silence within a body
 * @param bodyMinRate              the slowest rate (bytes a second) that a large body may arrive at
 * @param anonymousBodyMax         the largest body read from a caller that is not authenticated (the sign-in form);
 *                                 a larger one, or one without a Content-Length, is refused unread (401)
 * @param anonymousBodyTimeout     the time such a small body may take
 * @param anonymousBodyConcurrency such bodies read at the same time; further ones are answered 503 unread
 */
@ConfigurationProperties("herald.http")
public record RequestBodyProperties(@DefaultValue("10s") Duration bodyTimeout, @DefaultValue("64KB") DataSize bodyMinRate,
                                    @DefaultValue("8KB") DataSize anonymousBodyMax,
                                    @DefaultValue("3s") Duration anonymousBodyTimeout,
                                    @DefaultValue("20") int anonymousBodyConcurrency) {

    public RequestBodyProperties {
        if (bodyTimeout.toMillis() < 1 || bodyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("herald.http.body-timeout must be between 1ms and 24 days, was " + bodyTimeout);
        }
        if (bodyMinRate.toBytes() < 1) {
            throw new IllegalArgumentException("herald.http.body-min-rate must be at least 1B (a second), was " + bodyMinRate);
        }
        if (anonymousBodyMax.toBytes() < 1024) {
            throw new IllegalArgumentException("herald.http.anonymous-body-max must be at least 1KB (the console's sign-in form"
                    + " must fit), was " + anonymousBodyMax);
        }
        if (anonymousBodyTimeout.toMillis() < 1 || anonymousBodyTimeout.compareTo(bodyTimeout) > 0) {
            throw new IllegalArgumentException("herald.http.anonymous-body-timeout (" + anonymousBodyTimeout
                    + ") must be positive and not longer than herald.http.body-timeout (" + bodyTimeout + ")");
        }
        if (anonymousBodyConcurrency < 1) {
            throw new IllegalArgumentException("herald.http.anonymous-body-concurrency must be at least 1 (or nobody could"
                    + " sign in to the console), was " + anonymousBodyConcurrency);
        }
    }
}
