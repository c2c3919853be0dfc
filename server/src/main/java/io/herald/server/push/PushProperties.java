package io.herald.server.push;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Config push ({@code herald.push.*}).
 *
 * @param longPollTimeout how long a config long-poll is held before answering 304
 * @param versionCheck    how often the version is re-read in case a notification was missed
 * @param staleAfter      an SDK instance without heartbeat for this long is shown as stale
 */
@ConfigurationProperties("herald.push")
public record PushProperties(@DefaultValue("30s") Duration longPollTimeout, @DefaultValue("5s") Duration versionCheck,
                             @DefaultValue("60s") Duration staleAfter) {
}
