package io.herald.sdk.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.internal.codec.MessageIds;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TimepointCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimepointWriterTest {

    private static final String ID = "0195f3c2-7b1e-7000-8000-00000000002a";
    private static final String OWN_TRACE = "00-0195f3c27b1e7000800000000000002a-b7ad6b7169203331-01";
    private static final String CALLER_TRACE = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00";

    private record Sent(byte[] messageIdBytes, byte[] traceparentBytes, String topic, String type, String key, int partition,
                        long offset, long brokerTime, long durationMs, long ackedAt) implements SentTimepoint {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfItemReadsBackAsTheTimepointsItStandsFor() {
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        writer.add(new Sent(ascii(ID), ascii(OWN_TRACE), "trade", "pay-succ", "order \"1\" ü", 3, 42, 1_700_000_000_100L, 5,
                1_700_000_000_123L), "billing", "billing-1");
        // a delivery that succeeded at once: RECEIVED and HANDLED in one
        writer.add(new ConsumedTimepoint(Timepoint.HANDLED, 1_700_000_000_300L, "trade", "pay-succ", "shipping", ascii(ID), null,
                ascii("order \"1\" ü"), ascii(OWN_TRACE), null, 3, 42, 1_700_000_000_100L, 7, 1, null, 1_700_000_000_290L),
                "shipping", "shipping-1");
        // a record of a plain producer: no ce_id, a caller's trace, a failure with any text
        writer.add(new ConsumedTimepoint(Timepoint.FAILED, 1_699_999_999_000L, "trade", "", "g", null, "trade-0-7", null,
                ascii(CALLER_TRACE), ascii("77"), 0, 7, -1, 12, 2,
                "java.lang.IllegalStateException: bad \\ thing\t\u0001 € \uD83D\uDE00", 0), "shipping", "shipping-1");
        writer.add(new Timepoint("not-a-uuid", "CUSTOM", 5L, null, null, null, null, null, null, null, null, null, null, null,
                null, "00-0AF7651916CD43DD8448EB211C80319C-00F067AA0BA902B7-01", null), null, null);
        List<Timepoint> read = TimepointCodec.decode(writer.finish());

        assertThat(read).containsExactly(
                new Timepoint(ID, Timepoint.SENT, 1_700_000_000_123L, "trade", "pay-succ", "order \"1\" ü", "billing", null,
                        "billing-1", 3, 42L, 1_700_000_000_100L, 5L, null, null, OWN_TRACE, null),
                new Timepoint(ID, Timepoint.HANDLED, 1_700_000_000_300L, "trade", "pay-succ", "order \"1\" ü", "shipping",
                        "shipping", "shipping-1", 3, 42L, 1_700_000_000_100L, 7L, 1, null, OWN_TRACE, null, 1_700_000_000_290L),
                new Timepoint("trade-0-7", Timepoint.FAILED, 1_699_999_999_000L, "trade", "", null, "shipping", "g",
                        "shipping-1", 0, 7L, null, 12L, 2, "java.lang.IllegalStateException: bad \\ thing\t\u0001 € \uD83D\uDE00",
                        CALLER_TRACE, "77"),
                new Timepoint("not-a-uuid", "CUSTOM", 5L, null, null, null, null, null, null, null, null, null, null, null, null,
                        "00-0AF7651916CD43DD8448EB211C80319C-00F067AA0BA902B7-01", null));
        assertThat(read.get(1).steps()).extracting(Timepoint::kind, Timepoint::time, Timepoint::attempt, Timepoint::durationMs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Timepoint.RECEIVED, 1_700_000_000_290L, 1, null),
                        org.assertj.core.groups.Tuple.tuple(Timepoint.HANDLED, 1_700_000_000_300L, 1, 7L));
    }

    @Test
    void aLaterStepOfTheSameRecordKeepsTheRecordsFieldsAndHasItsOwnStep() {
        // the listener's first timepoint of a record is the record's trace itself; a retry's steps are next() copies
        ConsumedTimepoint received = new ConsumedTimepoint(Timepoint.RECEIVED, 1_700_000_000_290L, "trade", "pay-succ",
                "shipping", ascii(ID), null, ascii("order-1"), ascii(OWN_TRACE), null, 3, 42, 1_700_000_000_100L, -1, 1, null, 0);
        ConsumedTimepoint failed = received.next(Timepoint.FAILED, 1_700_000_000_300L, "pay-succ", "shipping", 9, 1,
                "java.lang.IllegalStateException: ledger closed", 0);
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        writer.add(received, "shipping", "shipping-1");
        writer.add(failed, "shipping", "shipping-1");

        List<Timepoint> read = TimepointCodec.decode(writer.finish());

        assertThat(read).containsExactly(
                new Timepoint(ID, Timepoint.RECEIVED, 1_700_000_000_290L, "trade", "pay-succ", "order-1", "shipping", "shipping",
                        "shipping-1", 3, 42L, 1_700_000_000_100L, null, 1, null, OWN_TRACE, null),
                new Timepoint(ID, Timepoint.FAILED, 1_700_000_000_300L, "trade", "pay-succ", "order-1", "shipping", "shipping",
                        "shipping-1", 3, 42L, 1_700_000_000_100L, 9L, 1, "java.lang.IllegalStateException: ledger closed",
                        OWN_TRACE, null));
        assertThat(received.kind).isEqualTo(Timepoint.RECEIVED); // the copy left the first step as it was
    }

    @Test
    void aTracedSendCostsAboutFortyBytesInARecordOfMany() {
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        int n = 256;
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            byte[] id = MessageIds.next(now + i);
            byte[] tp = io.herald.sdk.internal.trace.Tracer.newTraceparent(id, true);
            writer.add(new Sent(id, tp, "orders", "order.created", null, i % 6, 1_000_000 + i, now + i - 2, 3, now + i),
                    "shop", "shop-7f3a");
        }
        byte[] record = writer.finish();
        assertThat(record.length / (double) n).isLessThan(45);
        List<Timepoint> read = TimepointCodec.decode(record);
        assertThat(read).hasSize(n);
        assertThat(read.get(n - 1).offset()).isEqualTo(1_000_000L + n - 1);
        assertThat(read.get(n - 1).traceparent()).startsWith("00-" + read.get(n - 1).messageId().replace("-", "") + "-");
    }

    @Test
    void repeatedStringsReadBackWhetherTheyAreTheSameObjectsOrEqualOnes() {
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        List<Timepoint> written = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // more distinct values than the writer remembers by identity, some as fresh copies
            String topic = "topic-" + i % 9;
            String group = i % 3 == 0 ? new String("billing") : "billing";
            Timepoint t = new Timepoint(ID, Timepoint.HANDLED, 1_000L + i, topic, "type-" + i % 2, null, "app", group, "i-1",
                    i % 6, (long) i, null, 1L, 1, i % 50 == 0 ? "java.lang.IllegalStateException: " + i % 4 : null, null, null);
            written.add(t);
            writer.add(t, null, null);
        }
        assertThat(TimepointCodec.decode(writer.finish())).isEqualTo(written);
    }

    @Test
    void numbersOfEveryLengthAndSignStayExact() {
        long[] numbers = {0, 1, -1, 63, 64, -64, -65, 127, 128, 16_383, 16_384, 1_700_000_000_123L, Long.MAX_VALUE, Long.MIN_VALUE + 1};
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        for (long n : numbers) {
            writer.add(new Timepoint(ID, Timepoint.RETRIED, n, "t", null, null, null, null, null, Integer.MAX_VALUE, n, n, n,
                    Integer.MAX_VALUE, null, null, null), null, null);
        }
        List<Timepoint> read = TimepointCodec.decode(writer.finish());
        for (int i = 0; i < numbers.length; i++) {
            assertThat(read.get(i).time()).isEqualTo(numbers[i]);
            assertThat(read.get(i).offset()).isEqualTo(numbers[i]);
            assertThat(read.get(i).brokerTime()).isEqualTo(numbers[i]);
            assertThat(read.get(i).durationMs()).isEqualTo(numbers[i]);
            assertThat(read.get(i).partition()).isEqualTo(Integer.MAX_VALUE);
        }
    }

    @Test
    void aDamagedRecordIsRefusedWithAReasonNotMisread() {
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        writer.add(new Sent(ascii(ID), ascii(OWN_TRACE), "trade", "pay-succ", null, 3, 42, 1L, 5, 2L), "billing", "b-1");
        byte[] record = writer.finish();

        assertThatThrownBy(() -> TimepointCodec.decode(Arrays.copyOf(record, record.length - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
        byte[] later = record.clone();
        later[3] = 9;
        assertThatThrownBy(() -> TimepointCodec.decode(later)).hasMessageContaining("version 9");
        assertThatThrownBy(() -> TimepointCodec.decode(ascii("[{\"messageId\":\"m\"}]"))).hasMessageContaining("not a binary");
    }
}
