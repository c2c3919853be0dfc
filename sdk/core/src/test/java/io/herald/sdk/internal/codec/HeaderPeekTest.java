package io.herald.sdk.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
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

    /**
     * The reflection into kafka-clients' RecordHeader is kept only with this test: it fails when an
     * upgrade renames the fields, or when Kafka's record reader stops making fetched headers as
     * slices of the fetched bytes (listeners would still be right, through key() and value(), but
     * pay the decoding again: about a sixth of a raw poll loop's CPU).
     */
    @Test
    void headersOfRecordsReadByKafkaItselfAreReadInPlace() {
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null,
                "payload".getBytes(StandardCharsets.UTF_8), new Header[] {
                        new RecordHeader("ce_id", "0195f3c2-7b1e-7000-8000-000000000001".getBytes(StandardCharsets.US_ASCII)),
                        new RecordHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
                                .getBytes(StandardCharsets.US_ASCII)),
                        new RecordHeader("herald-expires-at", "123".getBytes(StandardCharsets.US_ASCII)),
                        new RecordHeader("x-other", "1".getBytes(StandardCharsets.US_ASCII)),
                        new RecordHeader("ce_type", "pay-succ".getBytes(StandardCharsets.UTF_8))}));
        Record record = batch.records().iterator().next();
        Header[] headers = record.headers();

        assertThat(headers).allSatisfy(h -> assertThat(HeaderPeek.isInPlace(h))
                .as("kafka-clients made header %s as slices of the fetched bytes", h).isTrue());
        assertThat(headers).extracting(HeaderPeek::which).containsExactly(HeaderPeek.CE_ID, HeaderPeek.TRACEPARENT,
                HeaderPeek.EXPIRES_AT, HeaderPeek.OTHER, HeaderPeek.CE_TYPE);
        assertThat(HeaderPeek.valueIs(headers[4], "pay-succ".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(headers).allSatisfy(h -> assertThat(HeaderPeek.isInPlace(h)).as("peeking decoded nothing").isTrue());
        assertThat(headers[4].key()).isEqualTo("ce_type");
        assertThat(HeaderPeek.isInPlace(headers[4])).as("Kafka's own decoding replaces the slices").isFalse();
        assertThat(HeaderPeek.which(headers[4])).isEqualTo(HeaderPeek.CE_TYPE);
    }

    @Test
    void tellsHeraldsNamesApartAndAnswersAlikeForDecodedHeaders() {
        for (String name : new String[] {"ce_type", "traceparent", "ce_id", "herald-expires-at", "herald-replay-job",
                                         "herald-trace-sampled", "ce_typo", "herald-expires-on", "x"}) {
            int expected = switch (name) {
                case "ce_type" -> HeaderPeek.CE_TYPE;
                case "traceparent" -> HeaderPeek.TRACEPARENT;
                case "ce_id" -> HeaderPeek.CE_ID;
                case "herald-expires-at" -> HeaderPeek.EXPIRES_AT;
                case "herald-replay-job" -> HeaderPeek.REPLAY_JOB;
                case "herald-trace-sampled" -> HeaderPeek.TRACE_SAMPLED;
                default -> HeaderPeek.OTHER;
            };
            assertThat(HeaderPeek.which(fetched(name, "v"))).as(name).isEqualTo(expected);
            assertThat(HeaderPeek.which(new RecordHeader(name, new byte[] {1}))).as(name + " decoded").isEqualTo(expected);
        }
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
