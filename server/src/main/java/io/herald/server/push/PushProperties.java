package io.herald.server.push;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Config push and the SDK-instance registry ({@code herald.push.*}).
 *
 * @param longPollTimeout how long a config long-poll is held before answering 304
 * @param versionCheck    how often every app's config version is re-read in case a notification was missed
 *                        (changes normally arrive by PostgreSQL NOTIFY within milliseconds)
 * @param staleAfter      an SDK instance without heartbeat for this long is stale: no longer counted
 *                        or listed as online (the console shows it under its stale filter)
 * @param forgetAfter     an SDK instance without heartbeat for this long is removed from the registry
 *                        (one that closed cleanly deregisters at once)
 * @param forgetCheck     how often instances past {@code forgetAfter} are looked for
 */
@ConfigurationProperties("herald.push")
public record PushProperties(@DefaultValue("30s") Duration longPollTimeout, @DefaultValue("5s") Duration versionCheck,
                             @DefaultValue("60s") Duration staleAfter, @DefaultValue("24h") Duration forgetAfter,
                             @DefaultValue("1m") Duration forgetCheck) {

    public PushProperties {
        if (versionCheck.isNegative() || versionCheck.isZero()) {
            throw new IllegalArgumentException("herald.push.version-check must be positive");
        }
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("herald.push.stale-after must be positive");
        }
        if (forgetAfter.compareTo(staleAfter) <= 0) {
            throw new IllegalArgumentException("herald.push.forget-after (" + forgetAfter + ") must be longer than"
                    + " herald.push.stale-after (" + staleAfter + "): instances would be removed while still online");
        }
        if (forgetCheck.isNegative() || forgetCheck.isZero()) {
            throw new IllegalArgumentException("herald.push.forget-check must be positive");
        }
    }
}
