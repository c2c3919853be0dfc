package io.herald.server.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class HeaderCodecTest {

    @Test
    void headersRoundTripInOrderWithNullsAndRepeats() {
        List<Header> in = List.of(new RecordHeader("ce_id", "1".getBytes()), new RecordHeader("x", null),
                new RecordHeader("ce_subject", "ü €".getBytes(StandardCharsets.UTF_8)), new RecordHeader("x", new byte[0]),
                new RecordHeader("herald-delay-until", "5".getBytes()));
        List<Header> out = HeaderCodec.decode(HeaderCodec.encode(in, Set.of("herald-delay-until")));
        assertThat(out).containsExactly(in.get(0), in.get(1), in.get(2), in.get(3));
    }
}
