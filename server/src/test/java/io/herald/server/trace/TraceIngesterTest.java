package io.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceIngesterTest {

    private static List<TraceRow> parse(String json) {
        return TraceIngester.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsOneTimepointOrAnArrayOfThem() {
        assertThat(parse("{\"messageId\":\"m\",\"kind\":\"sent\",\"time\":5,\"future\":1}"))
                .singleElement().satisfies(r -> {
                    assertThat(r.kind()).isEqualTo("SENT");
                    assertThat(r.at()).isEqualTo(5);
                });
        assertThat(parse(" [{\"messageId\":\"a\",\"kind\":\"SENT\",\"time\":1},{\"messageId\":\"b\",\"kind\":\"HANDLED\",\"time\":2},"
                + "{\"kind\":\"SENT\"}]")).extracting(r -> r == null ? null : r.messageId()).containsExactly("a", "b", null);
    }

    @Test
    void anythingElseIsOneUnreadableTimepoint() {
        assertThat(parse("not json")).containsExactly((TraceRow) null);
        assertThat(parse("")).containsExactly((TraceRow) null);
        assertThat(parse("42")).containsExactly((TraceRow) null);
    }
}
