package io.herald.sdk.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.wire.Timepoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimepointJsonTest {

    @Test
    void writesWhatJacksonWritesAndReadsBack() throws Exception {
        ObjectMapper mapper = PayloadCodec.defaultMapper();
        List<Timepoint> samples = List.of(
                new Timepoint("m-1", Timepoint.SENT, 1_700_000_000_123L, "trade", "pay-succ", "order \"1\"\n", "billing", null,
                        "billing-1", 3, 42L, 1_700_000_000_100L, 5L, null, null,
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null),
                new Timepoint("m-2", Timepoint.FAILED, 1L, "trade", "", null, "billing", "g", "i", 0, 0L, null, 12L, 2,
                        "java.lang.IllegalStateException: bad \\ thing\t\u0001 ü € \uD83D\uDE00", null, "77"));

        TimepointJson json = new TimepointJson();
        for (Timepoint t : samples) {
            assertThat(new String(json.write(t), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(mapper.writeValueAsString(t));
            assertThat(mapper.readValue(json.write(t), Timepoint.class)).isEqualTo(t);
        }
    }

    @Test
    void repeatedFieldsAndNumbersOfEveryLengthStayExact() throws Exception {
        ObjectMapper mapper = PayloadCodec.defaultMapper();
        TimepointJson json = new TimepointJson();
        long[] numbers = {0, 7, 10, 99, 100, 101, 999, 12_345, 99_999_999L, 100_000_000L, 123_456_789L,
                1_700_000_000_123L, 9_999_999_999_999_999L, 10_000_000_000_000_000L, Long.MAX_VALUE, -1, -100_000_001L};
        String topic = "trade";
        for (long n : numbers) {
            // the same topic object (copied once) and an equal one that is another object, then a different one
            for (String t : List.of(topic, new String(topic), "other-topic")) {
                String id = "m-" + n;
                String key = t == topic ? null : "k-" + n;
                for (String kind : List.of(Timepoint.RECEIVED, Timepoint.HANDLED)) {
                    Timepoint tp = new Timepoint(id, kind, n, t, "pay-succ", key, "billing", "g", "i-1",
                            (int) (n & 0x7FFF), n, n, n, 1, null, t == topic ? "00-" + id : null, null);
                    assertThat(new String(json.write(tp), java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo(mapper.writeValueAsString(tp));
                }
            }
        }
    }
}
