package io.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.herald.sdk.internal.trace.TimepointWriter;
import io.herald.sdk.wire.Timepoint;
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
    void readsTheSdksBinaryRecordsAndTheTwoStepsOfAHandledThatCarriesItsReceived() {
        String id = "0195f3c2-7b1e-7000-8000-00000000002a";
        String tp = "00-0195f3c27b1e7000800000000000002a-b7ad6b7169203331-01";
        byte[] record = TimepointWriter.encode(List.of(
                new Timepoint(id, Timepoint.SENT, 100L, "orders", "order.created", "order-42", "shop", null, "shop-1", 2, 41L,
                        99L, 3L, null, null, tp, null),
                new Timepoint(id, Timepoint.HANDLED, 130L, "orders", "order.created", "order-42", "shipping", "shipping",
                        "shipping-1", 2, 41L, 99L, 5L, 1, null, tp, null, 125L)));

        assertThat(TraceIngester.parse(record))
                .extracting(TraceRow::kind, TraceRow::at, TraceRow::group, TraceRow::durationMs, TraceRow::traceId)
                .containsExactly(
                        tuple("SENT", 100L, null, 3L, "0195f3c27b1e7000800000000000002a"),
                        tuple("RECEIVED", 125L, "shipping", null, "0195f3c27b1e7000800000000000002a"),
                        tuple("HANDLED", 130L, "shipping", 5L, "0195f3c27b1e7000800000000000002a"));
        // the same in JSON (a client in another language)
        assertThat(parse("{\"messageId\":\"m\",\"kind\":\"HANDLED\",\"time\":9,\"receivedAt\":7,\"group\":\"g\"}"))
                .extracting(TraceRow::kind, TraceRow::at).containsExactly(tuple("RECEIVED", 7L), tuple("HANDLED", 9L));
        // a damaged binary record is one unreadable timepoint, counted as such
        assertThat(TraceIngester.parse(java.util.Arrays.copyOf(record, record.length - 4))).containsExactly((TraceRow) null);
    }

    @Test
    void anythingElseIsOneUnreadableTimepoint() {
        assertThat(parse("not json")).containsExactly((TraceRow) null);
        assertThat(parse("")).containsExactly((TraceRow) null);
        assertThat(parse("42")).containsExactly((TraceRow) null);
    }
}
