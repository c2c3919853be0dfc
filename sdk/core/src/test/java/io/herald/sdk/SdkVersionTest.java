package io.herald.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The version every instance reports in its heartbeat and start-up line is the build's own. */
class SdkVersionTest {

    @Test
    void reportsTheBuildsVersionNotAnUnfilteredPlaceholder() {
        String version = Herald.sdkVersion();

        assertThat(version).doesNotContain("${").doesNotContain("@").isNotEqualTo("unknown");
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
