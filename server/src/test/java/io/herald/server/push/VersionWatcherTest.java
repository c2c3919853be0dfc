package io.herald.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionWatcherTest {

    @Test
    void parsesTheAppsAChangeGaveANewVersion() {
        Map<String, Long> into = new HashMap<>();
        assertThat(VersionWatcher.parse("shop=12 billing.v2=7 shop=11", into)).isFalse();
        assertThat(into).containsExactlyInAnyOrderEntriesOf(Map.of("shop", 12L, "billing.v2", 7L));
    }

    @Test
    void aChangeOfNoAppNamesNone() {
        Map<String, Long> into = new HashMap<>();
        assertThat(VersionWatcher.parse("", into)).isFalse();
        assertThat(VersionWatcher.parse(null, into)).isFalse();
        assertThat(into).isEmpty();
    }

    @Test
    void anOversizedOrUnreadablePayloadAsksForEveryVersion() {
        assertThat(VersionWatcher.parse("*", new HashMap<>())).isTrue();
        assertThat(VersionWatcher.parse("shop=12 42", new HashMap<>())).isTrue();
        assertThat(VersionWatcher.parse("shop=soon", new HashMap<>())).isTrue();
    }
}
