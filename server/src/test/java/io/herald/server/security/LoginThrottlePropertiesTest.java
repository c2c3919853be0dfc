package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottlePropertiesTest {

    private final LoginThrottleProperties defaults = new LoginThrottleProperties(5, Duration.ofSeconds(1), Duration.ofMinutes(15),
            Duration.ofHours(24), Duration.ofDays(90));

    @Test
    void waitStartsAtTheFifthFailureWithOneSecondAndDoublesUpToFifteenMinutes() {
        assertThat(defaults.delayAfter(1)).isZero();
        assertThat(defaults.delayAfter(4)).isZero();
        assertThat(defaults.delayAfter(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.delayAfter(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.delayAfter(7)).isEqualTo(Duration.ofSeconds(4));
        assertThat(defaults.delayAfter(14)).isEqualTo(Duration.ofSeconds(512));
        assertThat(defaults.delayAfter(15)).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void refusesSettingsThatCannotWorkNamingThem() {
        assertThatThrownBy(() -> new LoginThrottleProperties(0, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofHours(24),
                Duration.ofDays(90))).hasMessageContaining("herald.security.login.allowed-failures");
        assertThatThrownBy(() -> new LoginThrottleProperties(5, Duration.ofMinutes(20), Duration.ofMinutes(15), Duration.ofHours(24),
                Duration.ofDays(90))).hasMessageContaining("herald.security.login.max-delay").hasMessageContaining("first-delay");
        assertThatThrownBy(() -> new LoginThrottleProperties(5, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(10),
                Duration.ofDays(90))).hasMessageContaining("herald.security.login.reset-after");
    }
}
