package io.herald.sdk.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Listen;
import io.herald.sdk.Message;
import io.herald.sdk.NonRetryableHeraldException;
import io.herald.sdk.SchemaViolationException;
import io.herald.sdk.SendResult;
import io.herald.sdk.UndeclaredTypeException;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory transport as a user's plain JUnit test would use it: no Kafka anywhere. */
class InMemoryTransportTest {

    record Payment(String order, long cents) {
    }

    private final InMemoryTransport transport = new InMemoryTransport();
    private final List<Herald> heralds = new ArrayList<>();

    private Herald herald() {
        Herald h = Herald.builder().withAppName("billing").withTransport(transport)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").build();
        heralds.add(h);
        return h;
    }

    @AfterEach
    void close() {
        heralds.forEach(Herald::close);
    }

    @Test
    void theListenerHasRunWhenSendReturns() {
        List<Payment> paid = new ArrayList<>();
        Herald herald = herald().listen(Binding.direct("trade", "pay-succ"), Payment.class, m -> paid.add(m.payload())).start();

        SendResult result = herald.sender().send("trade", "pay-succ", "order-1", new Payment("order-1", 500));

        assertThat(paid).containsExactly(new Payment("order-1", 500));
        assertThat(result.offset()).isZero();
        InMemoryTransport.StoredRecord record = transport.records("trade").get(0);
        assertThat(record.keyAsString()).isEqualTo("order-1");
        assertThat(record.header(HeraldHeaders.CE_TYPE)).isEqualTo("pay-succ");
        assertThat(record.header(HeraldHeaders.CE_SOURCE)).isEqualTo("billing");
        assertThat(record.header(HeraldHeaders.CE_ID)).isEqualTo(result.messageId());
        assertThat(record.valueAsString()).isEqualTo("{\"order\":\"order-1\",\"cents\":500}");
    }

    @Test
    void filtersByBindingKindLikeKafkaDoes() {
        List<String> direct = new ArrayList<>();
        List<String> regex = new ArrayList<>();
        List<String> fanout = new ArrayList<>();
        Herald herald = herald()
                .listen(Binding.direct("trade", "pay-succ").withGroup("a"), String.class, m -> direct.add(m.type()))
                .listen(Binding.regex("trade", "pay-.*").withGroup("b"), String.class, m -> regex.add(m.type()))
                .listen(Binding.fanout("trade").withGroup("c"), String.class, m -> fanout.add(m.type()))
                .start();

        for (String type : List.of("pay-succ", "pay-fail", "refund")) {
            herald.sender().send("trade", type, "x");
        }

        assertThat(direct).containsExactly("pay-succ");
        assertThat(regex).containsExactly("pay-succ", "pay-fail");
        assertThat(fanout).containsExactly("pay-succ", "pay-fail", "refund");
    }

    @Test
    void retriesWithBackoffThenDeadLettersWithoutSleeping() {
        List<Integer> attempts = new ArrayList<>();
        Herald herald = herald().listen(Binding.fanout("trade").withDeliveryLimit(3)
                .withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10)), String.class, m -> {
            attempts.add(m.attempt());
            throw new IllegalStateException("boom");
        }).start();

        herald.sender().send("trade", "pay-succ", "k", "x");

        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(transport.backoffs()).containsExactly(1_000L, 2_000L);
        InMemoryTransport.StoredRecord dead = transport.records("trade.billing.dlt").get(0);
        assertThat(dead.header(HeraldHeaders.DLT_REASON)).isEqualTo("exhausted");
        assertThat(dead.header(HeraldHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("boom");
        assertThat(dead.header(HeraldHeaders.ATTEMPT)).isEqualTo("3");
    }

    @Test
    void aNonRetryableListenerFailureDeadLettersAtOnce() {
        List<Integer> attempts = new ArrayList<>();
        Herald herald = herald().listen(Binding.fanout("trade"), String.class, m -> {
            attempts.add(m.attempt());
            throw new NonRetryableHeraldException("bad order", null);
        }).start();

        herald.sender().send("trade", "pay-succ", "x");

        assertThat(attempts).containsExactly(1);
        assertThat(transport.records("trade.billing.dlt").get(0).header(HeraldHeaders.DLT_REASON)).isEqualTo("non-retryable");
    }

    @Test
    void aRecordWithoutCloudEventsHeadersReachesFanoutWithDefaults() {
        List<Message<String>> received = new ArrayList<>();
        herald().listen(Binding.fanout("legacy"), String.class, received::add).start();

        transport.publishRaw("legacy", "k", "plain".getBytes(StandardCharsets.UTF_8));

        assertThat(received).singleElement().satisfies(m -> {
            assertThat(m.payload()).isEqualTo("plain");
            assertThat(m.type()).isEmpty();
            assertThat(m.id()).isEqualTo("legacy-0-0");
        });
    }

    static class AnnotatedListener {
        final List<String> got = new ArrayList<>();

        @Listen(topic = "trade", type = "pay-succ")
        void onPaid(Payment payment) {
            got.add("paid " + payment.order());
        }

        @Listen(topic = "trade", pattern = "refund|chargeback", group = "risk")
        void onReversal(Message<Payment> message) {
            got.add(message.type() + " " + message.payload().order());
        }
    }

    @Test
    void registersAnnotatedListenersInPlainJava() {
        AnnotatedListener listener = new AnnotatedListener();
        Herald herald = herald().register(listener).start();

        herald.sender().send("trade", "pay-succ", new Payment("o-1", 1));
        herald.sender().send("trade", "chargeback", new Payment("o-2", 1));

        assertThat(listener.got).containsExactly("paid o-1", "chargeback o-2");
    }

    @Test
    void checksSendsAgainstAGivenCatalog() {
        Herald herald = Herald.builder().withAppName("billing").withTransport(transport)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
                .withConfigSnapshot(new ConfigSnapshot("billing", 1, List.of(new TopicConfig("trade", 1, true, List.of(
                        new MessageTypeConfig("pay-succ", "{\"type\":\"object\",\"required\":[\"order\"]}")))), List.of(), null))
                .build();
        heralds.add(herald);

        assertThat(herald.sender().send("trade", new Payment("o-1", 1)).offset()).isZero();
        assertThatThrownBy(() -> herald.sender().send("trade", "pay-fail", "{}")).isInstanceOf(UndeclaredTypeException.class);
        assertThatThrownBy(() -> herald.sender().send("trade", "pay-succ", "{}")).isInstanceOf(SchemaViolationException.class);
    }

    @Test
    void countsMessagesInMicrometerTaggedByTopicTypeAndGroup() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Herald herald = Herald.builder().withAppName("billing").withTransport(transport).withMeterRegistry(meters)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").build();
        heralds.add(herald);
        herald.listen(Binding.fanout("trade").withDeliveryLimit(2), String.class, m -> {
            if (m.payload().equals("bad")) {
                throw new IllegalStateException();
            }
        }).start();

        herald.sender().send("trade", "pay-succ", "good");
        herald.sender().send("trade", "pay-succ", "bad");

        String[] tags = {"topic", "trade", "type", "pay-succ", "group", "billing"};
        assertThat(meters.get("herald.messages.sent").tags("topic", "trade", "type", "pay-succ").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("herald.send.latency").tags("topic", "trade").functionTimer().count()).isEqualTo(2);
        assertThat(meters.get("herald.messages.received").tags(tags).functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("herald.messages.handled").tags(tags).functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("herald.handling.time").tags(tags).functionTimer().count()).isEqualTo(1);
        assertThat(meters.get("herald.messages.failed").tags(tags).functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("herald.messages.retried").tags(tags).functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("herald.messages.dead-lettered").tags(tags).tag("reason", "exhausted").counter().count()).isEqualTo(1);
        assertThat(meters.get("herald.consumer.lag").tags("topic", "trade", "group", "billing").gauge().value()).isZero();
        assertThatThrownBy(() -> herald.sender().send("trade", "t", new Object()))
                .isInstanceOf(io.herald.sdk.PayloadSerializationException.class);
        assertThat(meters.get("herald.send.errors").tags("topic", "trade").counter().count()).isEqualTo(1);
    }

    @Test
    void aBackoffChangedInTheControlPlaneAppliesToTheNextFailure() {
        try (FakeControlPlane controlPlane = FakeControlPlane.start("billing", "k")) {
            controlPlane.topic("trade", true, new MessageTypeConfig("pay-succ", null));
            Herald herald = Herald.builder().withAppName("billing").withTransport(transport)
                    .withControlPlane(controlPlane.url(), "k").withSetting(HeraldSettings.CONFIG_CACHE_DIR, "").build();
            heralds.add(herald);
            herald.listen(Binding.fanout("trade").withDeliveryLimit(2).withBackoff(Duration.ofMillis(100), 1.0,
                    Duration.ofMillis(100)), String.class, m -> {
                throw new IllegalStateException();
            }).start();
            herald.sender().send("trade", "pay-succ", "first");
            assertThat(transport.backoffs()).containsExactly(100L);

            BindingConfig b = controlPlane.binding("billing", "trade");
            controlPlane.updateBinding(b.id(), old -> new BindingConfig(old.id(), old.group(), old.topic(), old.kind(),
                    old.typePattern(), 3, 700, 1.0, 700, old.expiryMillis(), old.paused(), old.concurrency(), old.deadLetterTopic(), old.pushedByServer()));
            await().atMost(Duration.ofSeconds(60)).until(() -> herald.configVersion() == controlPlane.version());
            herald.sender().send("trade", "pay-succ", "second");

            assertThat(transport.backoffs()).containsExactly(100L, 700L, 700L);
        }
    }

    @Test
    void deliversADelayedMessageOnlyOnceTheClockReachesItsDueTime() {
        List<String> reminded = new ArrayList<>();
        Herald herald = herald().listen(Binding.direct("reminders", "remind"), String.class, m -> reminded.add(m.payload()))
                .start();

        io.herald.sdk.DelayedSendResult result = herald.sender().sendDelayed("reminders", "remind", "order-1", "pay now",
                Duration.ofMinutes(10));

        assertThat(reminded).isEmpty();
        assertThat(transport.pendingDelayed()).hasSize(1);
        assertThat(transport.records(io.herald.sdk.wire.HeraldTopics.DELAY).get(0).header(HeraldHeaders.DELAY_ID))
                .isEqualTo(result.delayId());
        transport.advanceClock(Duration.ofMinutes(9));
        assertThat(reminded).isEmpty();
        transport.advanceClock(Duration.ofMinutes(1));
        assertThat(reminded).containsExactly("pay now");
        InMemoryTransport.StoredRecord delivered = transport.records("reminders").get(0);
        assertThat(delivered.header(HeraldHeaders.CE_ID)).isEqualTo(result.messageId());
        assertThat(delivered.header(HeraldHeaders.DELAY_UNTIL)).isNull();
        assertThat(delivered.header(HeraldHeaders.TARGET_TOPIC)).isNull();
        assertThat(transport.pendingDelayed()).isEmpty();
    }

    @Test
    void aRecordOnTheGroupsReplayTopicReachesItsMatchingListenerAndNoOtherGroup() {
        List<String> billing = new ArrayList<>();
        List<String> audit = new ArrayList<>();
        herald().listen(Binding.direct("trade", "pay-succ"), String.class, m -> billing.add(m.payload() + "@" + m.topic()))
                .listen(Binding.fanout("trade").withGroup("audit"), String.class, m -> audit.add(m.payload()))
                .start();

        for (String type : List.of("refund", "pay-succ")) {
            transport.publishRaw(io.herald.sdk.wire.HeraldTopics.replay("billing"), "order-1",
                    type.getBytes(StandardCharsets.UTF_8),
                    new org.apache.kafka.common.header.internals.RecordHeader(HeraldHeaders.CE_TYPE, type.getBytes(StandardCharsets.UTF_8)),
                    new org.apache.kafka.common.header.internals.RecordHeader(HeraldHeaders.REPLAY_JOB, "7".getBytes(StandardCharsets.UTF_8)),
                    new org.apache.kafka.common.header.internals.RecordHeader(HeraldHeaders.TARGET_TOPIC, "trade".getBytes(StandardCharsets.UTF_8)));
        }

        assertThat(billing).containsExactly("pay-succ@trade");
        assertThat(audit).isEmpty();
    }

    @Test
    void timepointsGoToTheTraceTopic() throws Exception {
        Herald herald = herald().listen(Binding.direct("trade", "pay-succ"), String.class, m -> { }).start();

        SendResult sent = herald.sender().send("trade", "pay-succ", "order-1", "x");

        // SENT, RECEIVED, HANDLED: binary records of timepoints, keyed by the message id
        await().atMost(Duration.ofSeconds(60)).until(() -> timepoints().size() >= 3);
        assertThat(timepoints()).extracting(io.herald.sdk.wire.Timepoint::messageId).containsOnly(sent.messageId());
        assertThat(transport.records(io.herald.sdk.wire.HeraldTopics.TRACE)).extracting(InMemoryTransport.StoredRecord::keyAsString)
                .containsOnly(sent.messageId());
    }

    private List<io.herald.sdk.wire.Timepoint> timepoints() throws Exception {
        List<io.herald.sdk.wire.Timepoint> all = new ArrayList<>();
        for (InMemoryTransport.StoredRecord r : transport.records(io.herald.sdk.wire.HeraldTopics.TRACE)) {
            io.herald.sdk.wire.TimepointCodec.decode(r.value()).forEach(t -> all.addAll(t.steps()));
        }
        return all;
    }
}
