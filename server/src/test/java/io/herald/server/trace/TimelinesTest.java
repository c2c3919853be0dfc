package io.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.sdk.wire.Traceparents;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelinesTest {

    private static TraceRow row(String kind, long at, String group, Integer attempt, Long duration, String replayJob) {
        return new TraceRow(at, "m-1", kind, "orders", "t", "k", group == null ? "shop" : "app-" + group, group, "i", 0, 5L,
                null, duration, attempt, kind.equals("FAILED") || kind.equals("DEAD_LETTERED") ? "boom" : null, null, null, replayJob);
    }

    @Test
    void aRedriveThatSucceedsHealsADeadLetteredGroup() {
        List<TraceRow> rows = List.of(row("SENT", 100, null, null, 4L, null),
                row("RECEIVED", 110, "g", 1, null, null), row("FAILED", 111, "g", 1, 1L, null),
                row("DEAD_LETTERED", 112, "g", 1, null, null),
                row("REPLAYED", 500, "g", 1, null, "7"), row("RECEIVED", 501, "g", 1, null, "7"),
                row("HANDLED", 510, "g", 1, 9L, "7"));

        MessageTrace t = Timelines.trace("m-1", rows, false);

        assertThat(t.status()).isEqualTo("HANDLED");
        GroupTrace g = t.groups().get(0);
        assertThat(g.state()).isEqualTo("HANDLED");
        assertThat(g.replayJobs()).containsExactly("7");
        assertThat(g.lastError()).isEqualTo("boom");
        assertThat(g.receiveLatencyMs()).isEqualTo(10);
        assertThat(t.latency().sendMs()).isEqualTo(4);
        assertThat(t.latency().endToEndMs()).isEqualTo(510 - 96);
        assertThat(t.sentAt().toEpochMilli()).isEqualTo(96);
    }

    @Test
    void repeatedTimepointsAreShownOnceAndStepsOfOneMillisecondKeepTheirOrder() {
        List<TraceRow> rows = List.of(row("HANDLED", 20, "g", 1, 2L, null), row("RECEIVED", 20, "g", 1, null, null),
                row("SENT", 10, null, null, 1L, null), row("SENT", 10, null, null, 1L, null));

        MessageTrace t = Timelines.trace("m-1", rows, false);

        assertThat(t.timeline()).extracting(TimepointView::kind).containsExactly("SENT", "RECEIVED", "HANDLED");
        assertThat(t.timeline().get(1).sincePreviousMs()).isEqualTo(10);
        assertThat(t.timeline().get(2).sincePreviousMs()).isZero();
    }

    @Test
    void aGroupStillRetryingMakesTheMessageRetryingAndOnlyReceivedIsInProgress() {
        assertThat(Timelines.trace("m-1", List.of(row("RECEIVED", 1, "a", 1, null, null), row("FAILED", 2, "a", 1, 1L, null),
                row("RETRIED", 3, "a", 1, null, null), row("RECEIVED", 1, "b", 1, null, null)), false).status())
                .isEqualTo("RETRYING");
        assertThat(Timelines.trace("m-1", List.of(row("RECEIVED", 1, "b", 1, null, null)), false).status()).isEqualTo("IN_PROGRESS");
        assertThat(Timelines.trace("m-1", List.of(row("SENT", 1, null, null, 1L, null)), false).status()).isEqualTo("SENT");
    }

    private static TraceRow on(String instance, String kind, long at, Long brokerTime, Long duration) {
        String group = kind.equals("SENT") ? null : "g";
        return new TraceRow(at, "m-1", kind, "orders", "t", "k", group == null ? "shop" : "billing", group, instance, 0, 5L,
                brokerTime, duration, group == null ? null : 1, null, null, null, null);
    }

    @Test
    void aConsumerWhoseClockIsBehindIsPutOnTheBrokersClockSoNothingIsReceivedBeforeItWasAcknowledged() {
        // the producer's host stamped the record at 997 and saw the ack at 1000; the consumer's clock is 40 ms behind
        List<TraceRow> rows = List.of(on("p-1", "SENT", 1000, 997L, 3L), on("c-1", "RECEIVED", 960, 997L, null),
                on("c-1", "HANDLED", 980, 997L, 20L));

        MessageTrace t = Timelines.trace("m-1", rows, false);

        assertThat(t.timeline()).extracting(TimepointView::kind).containsExactly("SENT", "RECEIVED", "HANDLED");
        assertThat(t.timeline()).extracting(v -> v.time().toEpochMilli()).containsExactly(1000L, 1000L, 1020L);
        assertThat(t.timeline()).extracting(TimepointView::clockShiftMs).containsExactly(null, 40L, 40L);
        assertThat(t.timeline().get(2).sincePreviousMs()).isEqualTo(20); // the consumer's own durations stay as recorded
        assertThat(t.latency().deliverMs()).isZero();
        assertThat(t.groups().get(0).receiveLatencyMs()).isZero();
        assertThat(t.latency().handleMs()).isEqualTo(20);
    }

    @Test
    void clocksThatAgreeAreLeftAlone() {
        List<TraceRow> rows = List.of(on("p-1", "SENT", 1000, 997L, 3L), on("c-1", "RECEIVED", 1004, 997L, null),
                on("c-1", "HANDLED", 1010, 997L, 6L));

        MessageTrace t = Timelines.trace("m-1", rows, false);

        assertThat(t.timeline()).extracting(TimepointView::clockShiftMs).containsOnlyNulls();
        assertThat(t.latency().deliverMs()).isEqualTo(4);
    }

    @Test
    void traceIdsComeFromTraceparentsOrBareIds() {
        assertThat(Traceparents.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Traceparents.traceId("4bf92f3577b34da6a3ce929d0e0e4736")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Traceparents.traceId("not-a-trace")).isNull();
        assertThat(TraceRow.cut("a\u0000b", 10)).isEqualTo("ab");
        assertThat(TraceRow.cut("x".repeat(600), TraceRow.KEY_MAX)).hasSize(512);
    }
}
