package io.herald.sdk.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TimepointCodec;
import io.herald.sdk.wire.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's one pass over a record's headers, on records made by Kafka's own record reader
 * (headers as slices of the fetched bytes, as a consumer gets them).
 */
class BindingDispatcherTest {

    private static final String UNSAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    private static final String SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void picksTheLastTypeAndHonoursOnlyAnExpiryWrittenAfterIdAndTraceparent() {
        TestTransport transport = new TestTransport();
        List<String> handled = new ArrayList<>();
        try (Herald herald = herald(transport, false)) {
            herald.listen(Binding.direct("t", "b").withGroup("g"), String.class, m -> handled.add(m.id()));
            herald.start();

            // an expiry before ce_id is not Herald's (Herald writes it after): ignored; the last ce_type counts
            transport.deliver(fetched(h("herald-expires-at", "1"), h("ce_id", "id-1"), h("traceparent", UNSAMPLED),
                    h("ce_type", "a"), h("x-other", "1"), h("ce_type", "b")));
            // expired long ago, written where Herald writes it: dead-lettered, not handled
            transport.deliver(fetched(h("ce_id", "id-2"), h("traceparent", UNSAMPLED), h("herald-expires-at", "1"),
                    h("ce_type", "b")));
            // another type: not this listener's
            transport.deliver(fetched(h("ce_id", "id-3"), h("traceparent", UNSAMPLED), h("ce_type", "a")));
        }

        assertThat(handled).containsExactly("id-1");
        assertThat(transport.published).extracting(OutgoingRecord::topic).containsExactly("t.g.dlt");
        assertThat(new String(transport.published.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("payload id-2");
    }

    @Test
    void aMessageNobodyTracesStillHasItsFailuresRecordedAndATracedOneItsHandling() throws Exception {
        TestTransport transport = new TestTransport();
        int[] calls = new int[1];
        try (Herald herald = herald(transport, true)) {
            herald.listen(Binding.direct("t", "b").withGroup("g").withDeliveryLimit(3)
                    .withBackoff(Duration.ZERO, 1.0, Duration.ZERO), String.class, m -> {
                        if (m.id().equals("untraced") && calls[0]++ == 0) {
                            throw new IllegalStateException("first attempt fails");
                        }
                    });
            herald.start();

            transport.deliver(fetched(h("ce_id", "untraced"), h("traceparent", UNSAMPLED), h("ce_type", "b")));
            transport.deliver(fetched(h("ce_id", "traced"), h("traceparent", SAMPLED), h("ce_type", "b")));
            transport.deliver(fetched(h("ce_id", "quiet"), h("traceparent", UNSAMPLED), h("ce_type", "b")));
        } // close() ships what is queued

        List<String> steps = new ArrayList<>();
        for (OutgoingRecord r : transport.published) {
            if (r.topic().equals(HeraldTopics.TRACE)) {
                for (Timepoint tp : TimepointCodec.decode(r.value())) {
                    steps.add(tp.messageId() + " " + tp.kind());
                }
            }
        }
        assertThat(steps).containsExactlyInAnyOrder("untraced " + Timepoint.FAILED, "untraced " + Timepoint.RETRIED,
                "traced " + Timepoint.HANDLED);
        assertThat(calls[0]).isEqualTo(2);
    }

    private static Herald herald(Transport transport, boolean tracing) {
        return Herald.builder().withAppName("app").withTransport(transport)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
                .withSetting(HeraldSettings.TRACING_ENABLED, tracing)
                .withSetting(HeraldSettings.REPLAY_ENABLED, false)
                .withConfigSnapshot(new ConfigSnapshot("app", 1, List.of(new TopicConfig("t", 1, true,
                        List.of(new MessageTypeConfig("a", null), new MessageTypeConfig("b", null)))), List.of(), null))
                .build();
    }

    private static Header h(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A record as Kafka's reader makes it from the bytes of a batch. */
    private static IncomingRecord fetched(Header... headers) {
        String id = new String(headers[0].key().equals("ce_id") ? headers[0].value() : headers[1].value(), StandardCharsets.UTF_8);
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(System.currentTimeMillis(), null,
                ("payload " + id).getBytes(StandardCharsets.UTF_8), headers));
        Record r = batch.records().iterator().next();
        Headers fetchedHeaders = new RecordHeaders(r.headers());
        byte[] value = new byte[r.valueSize()];
        r.value().get(value);
        long timestamp = r.timestamp();
        return new IncomingRecord() {
            public String topic() { return "t"; }
            public int partition() { return 0; }
            public long offset() { return 0; }
            public long timestamp() { return timestamp; }
            public byte[] key() { return null; }
            public byte[] value() { return value; }
            public Headers headers() { return fetchedHeaders; }
        };
    }

    /** Hands records to the subscribed processor in the test's thread; keeps what Herald publishes. */
    private static final class TestTransport implements Transport, DeliveryContext, Subscription {
        final List<OutgoingRecord> published = new CopyOnWriteArrayList<>();
        RecordProcessor processor;

        void deliver(IncomingRecord record) {
            processor.process(record, this);
        }

        @Override
        public void publish(OutgoingRecord record, PublishCallback callback) {
            published.add(record);
            callback.onComplete(0, published.size(), record.timestamp(), null);
        }

        @Override
        public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
            if (spec.topic().equals("t")) {
                this.processor = processor;
            }
            return this;
        }

        @Override
        public void close() {
        }

        public boolean awaitBackoff(long millis) { return true; }
        public boolean isStopping() { return false; }
        public void pause() { }
        public void resume() { }
        public boolean isPaused() { return false; }
        public long lag() { return 0; }
        public void close(Duration timeout) { }
    }
}
