package io.herald.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void readsTheLimitFromTheSnapshot() throws Exception {
        TracingConfig c = mapper.readValue("""
                {"defaultSampleRate":0.5,"topicSampleRates":{"audit":1.0},"maxSampledPerSecond":250}""", TracingConfig.class);

        assertThat(c).isEqualTo(new TracingConfig(0.5, Map.of("audit", 1.0), 250));
        assertThat(mapper.readValue(mapper.writeValueAsString(c), TracingConfig.class)).isEqualTo(c);
    }

    @Test
    void aSnapshotFromAnOlderControlPlaneHasNoLimit() throws Exception {
        TracingConfig c = mapper.readValue("""
                {"defaultSampleRate":1.0,"topicSampleRates":{}}""", TracingConfig.class);

        assertThat(c.maxSampledPerSecond()).isZero();
    }

    @Test
    void theDefaultsAreTheControlPlanes() {
        assertThat(TracingConfig.DEFAULT.defaultSampleRate()).isEqualTo(1.0);
        assertThat(TracingConfig.DEFAULT.maxSampledPerSecond()).isEqualTo(100);
    }
}
