package io.herald.sdk.internal.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.DelayTooLongException;
import io.herald.sdk.DelayedSendResult;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.NonRetryableHeraldException;
import io.herald.sdk.TraceContext;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedSendTest {

    /** Acknowledges every record at once and keeps it. */
    static final class CapturingTransport implements Transport {
        final List<OutgoingRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(OutgoingRecord record, PublishCallback callback) {
            records.add(record);
            callback.onComplete(0, records.size() - 1, record.timestamp(), null);
        }

        @Override
        public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }

        List<OutgoingRecord> on(String topic) {
            return records.stream().filter(r -> r.topic().equals(topic)).toList();
        }
    }

    private final CapturingTransport transport = new CapturingTransport();
    private final Herald herald = Herald.builder().withAppName("billing").withTransport(transport)
            .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
            .withSetting(HeraldSettings.PRODUCER_MAX_DELAY_MS, Duration.ofDays(1).toMillis())
            .build();

    @AfterEach
    void close() {
        herald.close();
    }

    private static Map<String, String> headers(OutgoingRecord r) {
        return r.headers().stream().collect(Collectors.toMap(Header::key,
                h -> new String(h.value(), StandardCharsets.UTF_8), (a, b) -> b));
    }

    @Test
    void sendDelayedWritesTheFinalMessagesHeadersPlusDueTimeTargetAndIdToTheDelayTopic() {
        // given
        long before = System.currentTimeMillis();

        // when
        DelayedSendResult result = herald.sender().sendDelayed("trade", "pay-succ", "order-1", "{\"cents\":5}",
                Duration.ofMinutes(5));

        // then
        List<OutgoingRecord> delayed = transport.on(HeraldTopics.DELAY);
        assertThat(delayed).hasSize(1);
        assertThat(transport.on("trade")).isEmpty();
        OutgoingRecord r = delayed.get(0);
        Map<String, String> h = headers(r);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("order-1");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"cents\":5}");
        assertThat(h).containsEntry(HeraldHeaders.TARGET_TOPIC, "trade")
                .containsEntry(HeraldHeaders.CE_TYPE, "pay-succ")
                .containsEntry(HeraldHeaders.CE_SOURCE, "billing")
                .containsEntry(HeraldHeaders.CE_SPECVERSION, "1.0")
                .containsEntry(HeraldHeaders.CE_ID, result.messageId())
                .containsEntry(HeraldHeaders.DELAY_ID, result.delayId())
                .containsKeys(HeraldHeaders.CE_TIME, HeraldHeaders.CONTENT_TYPE, HeraldHeaders.TRACEPARENT);
        long until = Long.parseLong(h.get(HeraldHeaders.DELAY_UNTIL));
        assertThat(until).isBetween(before + 300_000, System.currentTimeMillis() + 300_000);
        assertThat(UUID.fromString(result.delayId())).isNotNull();
        assertThat(result.deliverAt().toEpochMilli()).isEqualTo(until);
        assertThat(result.topic()).isEqualTo("trade");
        assertThat(result.record().topic()).isEqualTo(HeraldTopics.DELAY);
        assertThat(result.isImmediate()).isFalse();
        assertThat(r.headers().get(r.headers().size() - 1).key()).isEqualTo(HeraldHeaders.CE_TYPE);
    }

    @Test
    void aTimeThatHasPassedGoesStraightToTheTopic() {
        DelayedSendResult result = herald.sender().sendAt("trade", "pay-succ", "order-1", "x",
                Instant.now().minusSeconds(10));

        assertThat(transport.on(HeraldTopics.DELAY)).isEmpty();
        assertThat(transport.on("trade")).hasSize(1);
        assertThat(headers(transport.on("trade").get(0))).doesNotContainKeys(HeraldHeaders.DELAY_UNTIL,
                HeraldHeaders.TARGET_TOPIC, HeraldHeaders.DELAY_ID);
        assertThat(result.isImmediate()).isTrue();
        assertThat(result.delayId()).isNull();
        assertThat(result.record().topic()).isEqualTo("trade");
    }

    @Test
    void refusesADelayBeyondTheMaximumNamingTheLimit() {
        assertThatThrownBy(() -> herald.sender().sendDelayed("trade", "pay-succ", null, "x", Duration.ofDays(2)))
                .isInstanceOf(DelayTooLongException.class)
                .isInstanceOf(NonRetryableHeraldException.class)
                .hasMessageContaining("herald.producer.max-delay-ms")
                .hasMessageContaining("86400000");
        assertThat(herald.sender().sendDelayedAsync("trade", "pay-succ", null, "x", Duration.ofDays(2)))
                .isCompletedExceptionally();
        assertThat(transport.on(HeraldTopics.DELAY)).isEmpty();
    }

    @Test
    void keepsTheCallersTraceparent() {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        try (TraceContext.Scope ignored = TraceContext.with(traceparent)) {
            herald.sender().send("trade", "pay-succ", "k", "x");
        }
        herald.sender().send("trade", "pay-succ", "k", "y");

        List<OutgoingRecord> sent = transport.on("trade");
        // the caller's flag agrees with Herald's decision (sampled): no extra header
        assertThat(headers(sent.get(0))).containsEntry(HeraldHeaders.TRACEPARENT, traceparent)
                .doesNotContainKeys(HeraldHeaders.TRACE_SAMPLED, HeraldHeaders.CE_TIME);
        assertThat(TraceContext.isValid(headers(sent.get(1)).get(HeraldHeaders.TRACEPARENT))).isTrue();
        assertThat(headers(sent.get(1)).get(HeraldHeaders.TRACEPARENT)).isNotEqualTo(traceparent).endsWith("-01");
        assertThat(headers(sent.get(1))).doesNotContainKey(HeraldHeaders.TRACE_SAMPLED);
    }

    @Test
    void carriesItsOwnSamplingBesideACallersUnsampledTraceparent() {
        String unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

        try (TraceContext.Scope ignored = TraceContext.with(unsampled)) {
            herald.sender().send("trade", "pay-succ", "k", "x");
        }

        assertThat(headers(transport.on("trade").get(0))).containsEntry(HeraldHeaders.TRACEPARENT, unsampled)
                .containsEntry(HeraldHeaders.TRACE_SAMPLED, "1");
    }
}
