package io.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TracePropertiesTest {

    private static TraceProperties sampling(double rate, int perSecond) {
        return new TraceProperties(true, "herald.trace", "herald-trace-store", 6, Duration.ofDays(1), Duration.ofDays(7), 3,
                Duration.ofDays(7), 5000, Duration.ofHours(1), Duration.ofSeconds(5), rate, perSecond);
    }

    @Test
    void acceptsSamplingWithinBounds() {
        assertThat(sampling(0.0, 0).maxSampledPerSecond()).isZero();
        assertThat(sampling(1.0, 100).defaultSampleRate()).isEqualTo(1.0);
    }

    @Test
    void refusesARateOutsideZeroToOneNamingTheProperty() {
        assertThatThrownBy(() -> sampling(1.5, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("herald.trace.default-sample-rate").hasMessageContaining("1.5");
        assertThatThrownBy(() -> sampling(Double.NaN, 100)).hasMessageContaining("herald.trace.default-sample-rate");
    }

    @Test
    void refusesANegativeLimitNamingTheProperty() {
        assertThatThrownBy(() -> sampling(1.0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("herald.trace.max-sampled-per-second").hasMessageContaining("-1");
    }
}
