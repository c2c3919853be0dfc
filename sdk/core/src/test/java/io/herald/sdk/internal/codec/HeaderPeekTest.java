package io.herald.sdk.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class HeaderPeekTest {

    /** A header as Kafka's consumer makes it: name and value are slices of the fetched bytes. */
    private static Header fetched(String name, String value) {
        byte[] fetch = ("xx" + name + value + "yy").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer key = ByteBuffer.wrap(fetch, 2, name.length()).slice();
        ByteBuffer val = value == null ? null : ByteBuffer.wrap(fetch, 2 + name.length(), value.length()).slice();
        return new RecordHeader(key, val);
    }

    @Test
    void readsTheFetchedBytesInPlaceWithThisKafkaClient() {
        // if a kafka-clients upgrade renames RecordHeader's fields, listeners fall back to key()/value():
        // still correct, but slower; this test says so
        assertThat(HeaderPeek.inPlace()).isTrue();
    }

    @Test
    void comparesNamesAndValuesWithoutDisturbingTheHeader() {
        Header h = fetched("ce_type", "pay-succ");

        assertThat(HeaderPeek.nameIs(h, "ce_type")).isTrue();
        assertThat(HeaderPeek.nameIs(h, "ce_time")).isFalse();
        assertThat(HeaderPeek.nameIs(h, "ce_typ")).isFalse();
        assertThat(HeaderPeek.valueIs(h, "pay-succ".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(HeaderPeek.valueIs(h, "pay-fail".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(HeaderPeek.valueIs(h, new byte[0])).isFalse();
        assertThat(HeaderPeek.valueLength(h)).isEqualTo(8);
        assertThat((char) HeaderPeek.valueAt(h, 3)).isEqualTo('-');
        // Kafka's own decoding afterwards sees the same bytes
        assertThat(h.key()).isEqualTo("ce_type");
        assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("pay-succ");
    }

    @Test
    void aHeaderDecodedAlreadyOrBuiltFromStringsAnswersAlike() {
        Header decoded = fetched("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        decoded.key();
        decoded.value();
        Header built = new RecordHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(HeaderPeek.nameIs(decoded, "traceparent")).isTrue();
        assertThat(HeaderPeek.nameIs(built, "traceparent")).isTrue();
        assertThat(HeaderPeek.nameIs(built, "ce_id")).isFalse();
        assertThat(HeaderPeek.valueLength(decoded)).isEqualTo(55);
        assertThat((char) HeaderPeek.valueAt(decoded, 54)).isEqualTo('1');
        assertThat((char) HeaderPeek.valueAt(built, 54)).isEqualTo('0');
    }

    @Test
    void aNullValueHasLengthMinusOne() {
        Header h = fetched("ce_type", null);

        assertThat(HeaderPeek.valueLength(h)).isEqualTo(-1);
        assertThat(HeaderPeek.valueIs(h, new byte[0])).isFalse();
    }
}
