package io.herald.server.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaterfallTest {

    private static TimepointView step(String kind, String group, long sinceFirst, Long duration) {
        return new TimepointView(kind, Instant.EPOCH.plusMillis(sinceFirst), "t", "shop", group, "i", 0, 0L, null, duration,
                group == null ? null : 1, null, null, null, sinceFirst, null);
    }

    private static MessageTrace trace(List<TimepointView> steps) {
        return new MessageTrace("m", "t", "x", null, null, "HANDLED", 0, 0L, null, null, null, null, null, List.of(), steps,
                false, null);
    }

    @Test
    void placesEachStepFromTheSendOnAnAxisAsLongAsTheTrace() {
        Waterfall w = Waterfall.of(trace(List.of(step("SENT", null, 0, 10L), step("RECEIVED", "a", 20, null),
                step("HANDLED", "a", 90, 40L), step("RECEIVED", "b", 40, null))));

        assertThat(w.totalMs()).isEqualTo(100);
        assertThat(w.lanes()).extracting(Waterfall.Lane::label).containsExactly("producer · shop", "a", "b");
        Waterfall.Bar sent = w.lanes().get(0).bars().get(0);
        assertThat(sent.startPct()).isEqualTo(0.0);
        assertThat(sent.widthPct()).isEqualTo(10.0);
        Waterfall.Bar handled = w.lanes().get(1).bars().get(1);
        assertThat(handled.startPct()).isEqualTo(60.0);
        assertThat(handled.widthPct()).isEqualTo(40.0);
        assertThat(handled.title()).isEqualTo("HANDLED at +100 ms, took 40 ms, attempt 1");
        // a moment is a thin mark that stays inside the axis
        assertThat(w.lanes().get(2).bars().get(0).widthPct()).isEqualTo(Waterfall.MARK_PCT);
        assertThat(w.lanes().get(1).spanStartPct()).isEqualTo(30.0);
        assertThat(w.lanes().get(1).spanWidthPct()).isEqualTo(70.0);
        assertThat(w.ticks()).extracting(Waterfall.Tick::ms).containsExactly(0L, 25L, 50L, 75L, 100L);
    }

    @Test
    void aTraceOfOneMomentOrNoneStillDraws() {
        Waterfall one = Waterfall.of(trace(List.of(step("SENT", null, 0, null))));
        assertThat(one.totalMs()).isEqualTo(1);
        assertThat(one.lanes().get(0).bars().get(0).startPct()).isLessThanOrEqualTo(100 - Waterfall.MARK_PCT);
        assertThat(Waterfall.of(trace(List.of())).lanes()).isEmpty();
    }
}
