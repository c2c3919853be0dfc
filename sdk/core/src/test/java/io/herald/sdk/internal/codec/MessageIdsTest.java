package io.herald.sdk.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void producesParseableVersionSevenUuidsThatDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(new String(MessageIds.next(1_700_000_000_000L), StandardCharsets.US_ASCII));
        }
        assertThat(ids).hasSize(100_000);
        UUID uuid = UUID.fromString(ids.iterator().next());
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(1_700_000_000_000L);
    }
}
