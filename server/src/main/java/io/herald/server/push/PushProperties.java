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
 * @param maxHeldPolls    long-polls this server instance holds at most; one more is answered 503 with
 *                        {@code Retry-After} (the SDK backs off with jitter) instead of piling up
 * @param heldPollRetryAfter the {@code Retry-After} of that 503
 * @param heartbeatFlush  heartbeats that only say "still here" are coalesced in memory and written in one
 *                        multi-row upsert this often (a new instance or a changed field is written at once)
 */
@ConfigurationProperties("herald.push")
public record PushProperties(@DefaultValue("30s") Duration longPollTimeout, @DefaultValue("5s") Duration versionCheck,
                             @DefaultValue("60s") Duration staleAfter, @DefaultValue("24h") Duration forgetAfter,
                             @DefaultValue("1m") Duration forgetCheck, @DefaultValue("12000") int maxHeldPolls,
                             @DefaultValue("5s") Duration heldPollRetryAfter, @DefaultValue("1s") Duration heartbeatFlush) {

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
        if (maxHeldPolls < 1) {
            throw new IllegalArgumentException("herald.push.max-held-polls must be at least 1");
        }
        if (heldPollRetryAfter.toSeconds() < 1) {
            throw new IllegalArgumentException("herald.push.held-poll-retry-after must be at least 1s (Retry-After counts whole seconds)");
        }
        if (heartbeatFlush.isNegative() || heartbeatFlush.isZero() || heartbeatFlush.compareTo(staleAfter) >= 0) {
            throw new IllegalArgumentException("herald.push.heartbeat-flush (" + heartbeatFlush + ") must be positive and shorter than"
                    + " herald.push.stale-after (" + staleAfter + ")");
        }
    }
}
