package io.herald.server.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Console sign-in throttling ({@code herald.security.login.*}). Failed sign-ins are counted in
 * PostgreSQL per user name and per client address, so the limits hold across server instances.
 *
 * @param allowedFailures failed sign-ins in a row (per user name, per address) before the next ones wait
 * @param firstDelay      the wait after the {@code allowedFailures}-th failure; it doubles with each further one
 * @param maxDelay        the longest wait
 * @param resetAfter      a count without a new failure for this long starts over
 * @param rememberAddress how long an address a user signed in from stays known for that user (a sign-in
 *                        from a known address is held back only by failures from there for that user)
 */
@ConfigurationProperties("herald.security.login")
public record LoginThrottleProperties(@DefaultValue("5") int allowedFailures, @DefaultValue("1s") Duration firstDelay,
                                      @DefaultValue("15m") Duration maxDelay, @DefaultValue("24h") Duration resetAfter,
                                      @DefaultValue("90d") Duration rememberAddress) {

    public LoginThrottleProperties {
        if (allowedFailures < 1) {
            throw new IllegalArgumentException("herald.security.login.allowed-failures must be at least 1, was " + allowedFailures);
        }
        if (firstDelay.isNegative() || firstDelay.isZero()) {
            throw new IllegalArgumentException("herald.security.login.first-delay must be positive, was " + firstDelay);
        }
        if (maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("herald.security.login.max-delay (" + maxDelay
                    + ") must not be shorter than herald.security.login.first-delay (" + firstDelay + ")");
        }
        if (resetAfter.compareTo(maxDelay) <= 0) {
            throw new IllegalArgumentException("herald.security.login.reset-after (" + resetAfter
                    + ") must be longer than herald.security.login.max-delay (" + maxDelay + ")");
        }
        if (rememberAddress.isNegative() || rememberAddress.isZero()) {
            throw new IllegalArgumentException("herald.security.login.remember-address must be positive, was " + rememberAddress);
        }
    }

    /** The wait after the {@code failures}-th failure in a row: none up to {@code allowedFailures - 1}, then doubling. */
    public Duration delayAfter(int failures) {
        if (failures < allowedFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - allowedFailures, 40);
        long millis = firstDelay.toMillis();
        for (int i = 0; i < doublings && millis < maxDelay.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
