package io.herald.sdk.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.TraceContext;
import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TimepointCodec;
import io.herald.sdk.wire.Traceparents;
import io.herald.sdk.wire.TracingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TracerTest {

    private static Timepoint timepoint(String id) {
        return new Timepoint(id, Timepoint.HANDLED, 1L, "trade", "pay-succ", null, "billing", "billing", "i-1", 0, 1L,
                null, 3L, 1, null, null, null);
    }

    private static SentTimepoint sent(String id, String traceparent) {
        return new SentTimepoint() {
            public byte[] messageIdBytes() {
                return id.getBytes(StandardCharsets.US_ASCII);
            }

            public byte[] traceparentBytes() {
                return traceparent.getBytes(StandardCharsets.US_ASCII);
            }

            public String topic() {
                return "trade";
            }

            public String type() {
                return "pay-succ";
            }

            public String key() {
                return "order-\"1\"";
            }

            public int partition() {
                return 2;
            }

            public long offset() {
                return 41L;
            }

            public long brokerTime() {
                return 1_700_000_000_000L;
            }

            public long durationMs() {
                return 7L;
            }

            public long ackedAt() {
                return 1_700_000_000_005L;
            }
        };
    }

    /** A sink that never returns until released: the broker is gone. */
    private static final class StuckSink implements TraceSink {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void send(byte[] key, byte[] value, Runnable onFailure) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close(Duration timeout) {
            release.countDown();
        }
    }

    @Test
    void fullQueueDropsAndCountsWithoutEverBlocking() {
        // given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StuckSink sink = new StuckSink();
        Tracer tracer = new Tracer("billing", "i-1", 16, () -> TracingConfig.DEFAULT, null, sink, registry);

        // when
        long start = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            tracer.record(timepoint("m-" + i));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        // then
        assertThat(millis).isLessThan(2_000);
        // this thread's ring and the shared queue (16 each: a ring is never larger than the capacity),
        // and what the shipper took before its sink stuck
        assertThat(tracer.droppedQueueFull()).isGreaterThanOrEqualTo(100_000 - 16 - 16 - 2);
        assertThat(registry.get(Tracer.DROPPED).tag("reason", "queue-full").functionCounter().count())
                .isEqualTo(tracer.droppedQueueFull());
        tracer.close(Duration.ofSeconds(1));
    }

    @Test
    void shipsEachTimepointKeyedByMessageId() throws Exception {
        List<byte[][]> sent = new CopyOnWriteArrayList<>();
        TraceSink sink = new TraceSink() {
            public void send(byte[] key, byte[] value, Runnable onFailure) {
                sent.add(new byte[][] {key, value});
            }

            public void close(Duration timeout) {
            }
        };
        Tracer tracer = new Tracer("billing", "i-1", 1_000, () -> TracingConfig.DEFAULT, null, sink, null);

        tracer.record(timepoint("m-1"));
        tracer.sent(sent("m-2", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

        await().atMost(Duration.ofSeconds(60)).until(() -> sent.size() == 2);
        tracer.close(Duration.ofSeconds(1));
        assertThat(new String(sent.get(0)[0], StandardCharsets.UTF_8)).isEqualTo("m-1");
        Timepoint read = TimepointCodec.decode(sent.get(1)[1]).get(0);
        assertThat(read.kind()).isEqualTo(Timepoint.SENT);
        assertThat(read.partition()).isEqualTo(2);
        assertThat(read.offset()).isEqualTo(41L);
        assertThat(read.durationMs()).isEqualTo(7L);
        assertThat(read.app()).isEqualTo("billing");
        assertThat(read.instance()).isEqualTo("i-1");
        assertThat(read.traceparent()).startsWith("00-0af7651916cd43dd");
        assertThat(read.key()).isEqualTo("order-\"1\"");
        assertThat(read.brokerTime()).isEqualTo(1_700_000_000_000L);
        assertThat(read.time()).isEqualTo(1_700_000_000_005L);
        assertThat(read.messageId()).isEqualTo("m-2");
        assertThat(new String(sent.get(1)[1], StandardCharsets.UTF_8)).doesNotContain("\"group\"");
    }

    @Test
    void samplesByTheTopicRateElseTheDefault() {
        Tracer tracer = new Tracer("billing", "i-1", 16, () -> new TracingConfig(0.0, Map.of("audit", 1.0)), null,
                new StuckSink(), null);

        assertThat(tracer.sample("trade")).isFalse();
        assertThat(tracer.sample("audit")).isTrue();
        assertThat(Tracer.OFF.sample("audit")).isFalse();
        tracer.close(Duration.ofMillis(100));
    }

    @Test
    void aBusyTopicWithoutARateOfItsOwnIsTracedUpToTheLimitASecond() {
        Tracer tracer = new Tracer("billing", "i-1", 16, () -> new TracingConfig(1.0, Map.of("audit", 1.0), 100), null,
                new StuckSink(), null);

        int traced = 0;
        int audited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            traced += tracer.sample("trade") ? 1 : 0;
            audited += tracer.sample("audit") ? 1 : 0;
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1; // the loop may cross a second
        assertThat(traced).isBetween(100, (int) (100 * (seconds + 1)));
        assertThat(audited).as("a topic's own rate has no limit").isEqualTo(10_000);
        assertThat(tracer.sample("orders")).as("each topic has its own budget").isTrue();
        tracer.close(Duration.ofMillis(100));
    }

    @Test
    void theBudgetComesBackEachSecond() {
        SampleBudget budget = new SampleBudget("trade");

        assertThat(budget.take(2, 7)).isTrue();
        assertThat(budget.take(2, 7)).isTrue();
        assertThat(budget.take(2, 7)).isFalse();
        assertThat(budget.take(2, 8)).isTrue();
        assertThat(budget.take(2, 8)).isTrue();
        assertThat(budget.take(2, 8)).isFalse();
    }

    @Test
    void noLimitWhenTheSnapshotSaysZero() {
        Tracer tracer = new Tracer("billing", "i-1", 16, () -> new TracingConfig(1.0, Map.of(), 0), null,
                new StuckSink(), null);

        int traced = 0;
        for (int i = 0; i < 10_000; i++) {
            traced += tracer.sample("trade") ? 1 : 0;
        }
        assertThat(traced).isEqualTo(10_000);
        tracer.close(Duration.ofMillis(100));
    }

    @Test
    void createsValidTraceparentsCarryingTheSamplingFlag() {
        String sampled = new String(Tracer.newTraceparent(true), StandardCharsets.US_ASCII);
        String notSampled = new String(Tracer.newTraceparent(false), StandardCharsets.US_ASCII);

        assertThat(TraceContext.isValid(sampled)).isTrue();
        assertThat(sampled).endsWith("-01");
        assertThat(notSampled).endsWith("-00");
        assertThat(sampled.substring(3, 35)).isNotEqualTo(notSampled.substring(3, 35));
    }

    @Test
    void callerTraceparentComesFromTheScopeThenTheSupplier() {
        String fromSupplier = "00-11111111111111111111111111111111-2222222222222222-01";
        String fromScope = "00-33333333333333333333333333333333-4444444444444444-01";
        Tracer tracer = new Tracer("billing", "i-1", 16, () -> TracingConfig.DEFAULT, () -> fromSupplier,
                new StuckSink(), null);

        assertThat(tracer.callerTraceparent()).isEqualTo(fromSupplier);
        try (TraceContext.Scope ignored = TraceContext.with(fromScope)) {
            assertThat(tracer.callerTraceparent()).isEqualTo(fromScope);
        }
        try (TraceContext.Scope ignored = TraceContext.with("not-a-traceparent")) {
            assertThat(tracer.callerTraceparent()).isEqualTo(fromSupplier);
        }
        tracer.close(Duration.ofMillis(100));
    }

    @Test
    void canShipSeveralTimepointsPerRecord() throws Exception {
        List<byte[][]> sent = new CopyOnWriteArrayList<>();
        TraceSink sink = new TraceSink() {
            public void send(byte[] key, byte[] value, Runnable onFailure) {
                sent.add(new byte[][] {key, value});
            }

            public void close(Duration timeout) {
            }
        };
        Tracer tracer = new Tracer("billing", "i-1", 1_000, () -> TracingConfig.DEFAULT, null, sink, null).perRecord(50);

        for (int i = 0; i < 120; i++) {
            tracer.record(timepoint("m-" + i));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> tracer.shipped() == 120);
        tracer.close(Duration.ofSeconds(1));
        List<Timepoint> all = new java.util.ArrayList<>();
        for (byte[][] r : sent) {
            all.addAll(TimepointCodec.decode(r[1]));
        }
        assertThat(all).extracting(Timepoint::messageId).hasSize(120).startsWith("m-0", "m-1").endsWith("m-119");
        assertThat(sent.size()).isLessThan(120);
    }

    private static final class ListSink implements TraceSink {
        final List<byte[]> values = new CopyOnWriteArrayList<>();

        @Override
        public void send(byte[] key, byte[] value, Runnable onFailure) {
            values.add(value);
        }

        @Override
        public void close(Duration timeout) {
        }
    }

    private static List<Timepoint> all(List<byte[]> values) throws Exception {
        List<Timepoint> all = new java.util.ArrayList<>();
        for (byte[] v : values) {
            all.addAll(TimepointCodec.decode(v));
        }
        return all;
    }

    @Test
    void writesARecordOnceItReachesTheByteBoundAndTheRestOnClose() throws Exception {
        ListSink sink = new ListSink();
        Tracer tracer = new Tracer("billing", "i-1", 1_000, () -> TracingConfig.DEFAULT, null, sink, null)
                .perRecord(1_000).maxRecordBytes(2_000).linger(Duration.ofMinutes(1));

        for (int i = 0; i < 300; i++) {
            tracer.record(timepoint("m-" + i));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> tracer.shipped() >= 200);
        assertThat(sink.values).allSatisfy(v -> assertThat(v.length).isBetween(2_000, 2_100));
        tracer.close(Duration.ofSeconds(1));
        assertThat(all(sink.values)).extracting(Timepoint::messageId).hasSize(300).endsWith("m-299");
    }

    @Test
    void writesAPartialRecordOnceItsFirstTimepointLingered() throws Exception {
        ListSink sink = new ListSink();
        Tracer tracer = new Tracer("billing", "i-1", 1_000, () -> TracingConfig.DEFAULT, null, sink, null)
                .perRecord(1_000).linger(Duration.ofMillis(50));

        tracer.record(timepoint("m-1"));
        tracer.sent(sent("m-2", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        tracer.record(timepoint("m-3"));

        await().atMost(Duration.ofSeconds(60)).until(() -> sink.values.size() == 1);
        assertThat(all(sink.values)).extracting(Timepoint::messageId).containsExactly("m-1", "m-2", "m-3");
        tracer.close(Duration.ofSeconds(1));
    }

    @Test
    void derivesTheTraceIdFromTheMessageIdAndCarriesTheSamplingInTheFlags() {
        byte[] id = io.herald.sdk.internal.codec.MessageIds.next(System.currentTimeMillis());

        byte[] sampled = Tracer.newTraceparent(id, true);
        byte[] notSampled = Tracer.newTraceparent(id, false);

        String tp = new String(sampled, StandardCharsets.US_ASCII);
        assertThat(TraceContext.isValid(tp)).isTrue();
        assertThat(tp.substring(3, 35)).isEqualTo(new String(id, StandardCharsets.US_ASCII).replace("-", ""));
        assertThat(Traceparents.sampledFlag(sampled)).isTrue();
        assertThat(Traceparents.sampledFlag(notSampled)).isFalse();
        assertThat(Traceparents.sampledFlag("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03".getBytes(StandardCharsets.US_ASCII)))
                .isTrue();
        assertThat(Traceparents.sampledFlag("not a traceparent".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(Traceparents.sampledFlag(tp)).isTrue();
        assertThat(Traceparents.sampledFlag("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00")).isFalse();
        assertThat(Traceparents.sampledFlag((String) null)).isNull();
    }

    @Test
    void failuresAreQueuedEvenWhenOrdinaryTimepointsFilledTheQueue() {
        StuckSink sink = new StuckSink();
        Tracer tracer = new Tracer("billing", "i-1", 16, () -> TracingConfig.DEFAULT, null, sink, null);
        for (int i = 0; i < 100; i++) { // past this thread's ring and the shared queue (16 each)
            tracer.record(timepoint("m-" + i));
        }
        long dropped = tracer.droppedQueueFull();

        for (int i = 0; i < 10; i++) {
            tracer.record(new Timepoint("f-" + i, Timepoint.FAILED, 1L, "trade", "pay-succ", null, "billing", "billing",
                    "i-1", 0, 1L, null, 3L, 1, "java.lang.IllegalStateException: boom", null, null));
        }

        assertThat(dropped).isPositive();
        assertThat(tracer.droppedQueueFull()).isEqualTo(dropped);
        tracer.close(Duration.ofMillis(100));
    }
}
