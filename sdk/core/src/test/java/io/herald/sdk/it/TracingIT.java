package io.herald.sdk.it;

import static io.herald.sdk.testing.TraceReader.first;
import static io.herald.sdk.testing.TraceReader.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.sdk.NonRetryableHeraldException;
import io.herald.sdk.SendResult;
import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.testing.TraceReader;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.TracingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracingIT {

    private final List<Herald> heralds = new ArrayList<>();
    private TraceReader trace;
    private String topic;

    @BeforeEach
    void setUp() {
        topic = TestKafka.uniqueTopic("trade");
        TestKafka.createTopics(2, topic, topic + ".billing.dlt");
        trace = new TraceReader();
    }

    @AfterEach
    void tearDown() {
        heralds.forEach(Herald::close);
        trace.close();
    }

    private Herald herald(double sampleRate, Map<String, Object> settings) {
        return herald(new TracingConfig(sampleRate, Map.of()), settings);
    }

    private Herald herald(TracingConfig tracing, Map<String, Object> settings) {
        ConfigSnapshot snapshot = new ConfigSnapshot("billing", 1,
                List.of(new TopicConfig(topic, 2, true, List.of(new MessageTypeConfig("pay-succ", null)))), List.of(),
                tracing);
        Herald h = TestHerald.builder("billing", null).withConfigSnapshot(snapshot).withSettings(settings)
                .withMeterRegistry(new SimpleMeterRegistry()).build();
        heralds.add(h);
        return h;
    }

    @Test
    void sendAndHandleLandOnTheTraceTopicWithPositionDurationAndTraceparent() {
        // given
        Herald herald = herald(1.0, Map.of());
        List<Message<String>> received = new CopyOnWriteArrayList<>();
        herald.listen(Binding.direct(topic, "pay-succ"), String.class, received::add).start();

        // when
        SendResult sent = herald.sender().send(topic, "pay-succ", "order-1", "paid");

        // then
        List<Timepoint> tps = trace.await(sent.messageId(),
                t -> has(t, Timepoint.SENT) && has(t, Timepoint.RECEIVED) && has(t, Timepoint.HANDLED), Duration.ofSeconds(60));
        Timepoint s = first(tps, Timepoint.SENT);
        assertThat(s.topic()).isEqualTo(topic);
        assertThat(s.type()).isEqualTo("pay-succ");
        assertThat(s.key()).isEqualTo("order-1");
        assertThat(s.app()).isEqualTo("billing");
        assertThat(s.instance()).isEqualTo(herald.instanceId());
        assertThat(s.partition()).isEqualTo(sent.partition());
        assertThat(s.offset()).isEqualTo(sent.offset());
        assertThat(s.brokerTime()).isEqualTo(sent.timestamp().toEpochMilli());
        assertThat(s.durationMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(received).hasSize(1);
        String traceparent = received.get(0).header("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        Timepoint h = first(tps, Timepoint.HANDLED);
        assertThat(h.group()).isEqualTo("billing");
        assertThat(h.durationMs()).isNotNull();
        assertThat(h.partition()).isEqualTo(sent.partition());
        assertThat(h.offset()).isEqualTo(sent.offset());
        assertThat(tps).allSatisfy(t -> assertThat(t.traceparent()).isEqualTo(traceparent));
        assertThat(first(tps, Timepoint.RECEIVED).attempt()).isEqualTo(1);
    }

    @Test
    void aFailingHandlerYieldsFailedRetriedAndDeadLettered() {
        Herald herald = herald(1.0, Map.of());
        herald.listen(Binding.direct(topic, "pay-succ").withDeliveryLimit(2), String.class, m -> {
            throw new IllegalStateException("ledger closed");
        }).start();

        SendResult sent = herald.sender().send(topic, "pay-succ", "order-2", "paid");

        List<Timepoint> tps = trace.await(sent.messageId(), t -> has(t, Timepoint.DEAD_LETTERED), Duration.ofSeconds(60));
        assertThat(tps).extracting(Timepoint::kind).containsSubsequence(Timepoint.RECEIVED, Timepoint.FAILED,
                Timepoint.RETRIED, Timepoint.FAILED, Timepoint.DEAD_LETTERED);
        assertThat(tps.stream().filter(t -> t.kind().equals(Timepoint.FAILED)).map(Timepoint::attempt)).containsExactly(1, 2);
        assertThat(first(tps, Timepoint.FAILED).error()).isEqualTo("java.lang.IllegalStateException: ledger closed");
        assertThat(first(tps, Timepoint.RETRIED).attempt()).isEqualTo(2);
        assertThat(first(tps, Timepoint.DEAD_LETTERED).error()).contains("exhausted").contains("ledger closed");
        assertThat(first(tps, Timepoint.DEAD_LETTERED).group()).isEqualTo("billing");
    }

    @Test
    void sampleRateZeroRecordsNoSentOrHandledButStillTheFailures() {
        Herald herald = herald(0.0, Map.of());
        herald.listen(Binding.direct(topic, "pay-succ").withDeliveryLimit(1), String.class, m -> {
            if (m.payload().equals("boom")) {
                throw new NonRetryableHeraldException("unreadable ledger", null);
            }
        }).start();

        SendResult ok = herald.sender().send(topic, "pay-succ", "same-key", "fine");
        SendResult failing = herald.sender().send(topic, "pay-succ", "same-key", "boom");

        List<Timepoint> failed = trace.await(failing.messageId(), t -> has(t, Timepoint.DEAD_LETTERED), Duration.ofSeconds(60));
        assertThat(failed).extracting(Timepoint::kind).containsExactly(Timepoint.FAILED, Timepoint.DEAD_LETTERED);
        assertThat(first(failed, Timepoint.FAILED).traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
        assertThat(trace.of(ok.messageId())).isEmpty();
    }

    @Test
    void aBusyTopicIsTracedUpToTheLimitASecondAndTheConsumerTracesTheSameMessages() throws Exception {
        // given: the control plane's default rate, at most 20 traces a second per topic
        Herald herald = herald(new TracingConfig(1.0, Map.of(), 20), Map.of());
        List<Message<String>> received = new CopyOnWriteArrayList<>();
        herald.listen(Binding.direct(topic, "pay-succ"), String.class, received::add).start();

        // when: a burst of 200
        long start = System.nanoTime();
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sends.add(herald.sender().sendAsync(topic, "pay-succ", "order-" + i, "paid"));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 200);

        // then: every message arrives with a traceparent; only the first of each second say "sampled"
        List<Message<String>> sampled = received.stream().filter(m -> m.header("traceparent").endsWith("-01")).toList();
        assertThat(received).allSatisfy(m -> assertThat(m.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"));
        assertThat(sampled.size()).isBetween(20, (int) (20 * (seconds + 1)));
        Message<String> traced = sampled.get(sampled.size() - 1);
        assertThat(trace.await(traced.id(), t -> has(t, Timepoint.SENT) && has(t, Timepoint.HANDLED), Duration.ofSeconds(60)))
                .isNotEmpty();
        Message<String> untraced = received.stream().filter(m -> m.header("traceparent").endsWith("-00")).findFirst().orElseThrow();
        assertThat(trace.of(untraced.id())).as("nothing recorded for a message over the limit").isEmpty();
    }

    @Test
    void consumersFollowTheProducersSamplingCarriedInTheTraceparentFlag() {
        // given: a producer tracing nothing, a consumer that would trace everything
        Herald producer = herald(0.0, Map.of());
        Herald consumer = herald(1.0, Map.of());
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        consumer.listen(Binding.direct(topic, "pay-succ"), String.class, m -> handled.add(m.id())).start();

        // when
        SendResult notSampled = producer.sender().send(topic, "pay-succ", "k", "quiet");
        SendResult sampled = consumer.sender().send(topic, "pay-succ", "k", "loud");

        // then: the producer's decision holds at every step
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 2);
        trace.await(sampled.messageId(), t -> has(t, Timepoint.HANDLED), Duration.ofSeconds(60));
        assertThat(trace.of(notSampled.messageId())).isEmpty();
    }

    @Test
    void aFullTraceQueueNeverBlocksASendAndCountsTheDrops() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConfigSnapshot snapshot = new ConfigSnapshot("billing", 1,
                List.of(new TopicConfig(topic, 2, true, List.of(new MessageTypeConfig("pay-succ", null)))), List.of(), null);
        Herald herald = TestHerald.builder("billing", null).withConfigSnapshot(snapshot)
                .withSetting(HeraldSettings.TRACING_QUEUE_CAPACITY, 16).withMeterRegistry(registry).build();
        heralds.add(herald);

        int n = 20_000;
        long start = System.nanoTime();
        List<CompletableFuture<SendResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(herald.sender().sendAsync(topic, "pay-succ", null, "x"));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                registry.get(Tracer.DROPPED).tag("reason", "queue-full").functionCounter().count()).isPositive());
        System.out.printf("%d sends in %d ms with a 16-slot trace queue; %.0f timepoints dropped%n", n, millis,
                registry.get(Tracer.DROPPED).tag("reason", "queue-full").functionCounter().count());
    }
}
