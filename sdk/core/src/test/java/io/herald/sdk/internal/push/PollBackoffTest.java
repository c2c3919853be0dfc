package io.herald.sdk.internal.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class PollBackoffTest {

    /** Always the lowest or always the highest value the random source may give. */
    private static PollBackoff lowest() {
        return new PollBackoff(1_000, 15_000, 300, bound -> 0);
    }

    private static PollBackoff highest() {
        return new PollBackoff(1_000, 15_000, 300, bound -> bound);
    }

    @Test
    void pausesBetweenAnswersWithinTheJitter() {
        assertThat(lowest().afterAnswer()).isZero();
        assertThat(highest().afterAnswer()).isEqualTo(300);
        assertThat(new PollBackoff(1_000, 15_000, 0).afterAnswer()).isZero();
    }

    @Test
    void backsOffExponentiallyWithinTheUpperHalfOfEachStepUpToTheCap() {
        PollBackoff low = lowest();
        PollBackoff high = highest();
        List<Long> lows = new ArrayList<>();
        List<Long> highs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lows.add(low.afterFailure(-1));
            highs.add(high.afterFailure(-1));
        }
        // steps 1 s, 2 s, 4 s, 8 s, then capped at 15 s
        assertThat(lows).containsExactly(500L, 1_000L, 2_000L, 4_000L, 7_500L, 7_500L, 7_500L, 7_500L);
        assertThat(highs).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 15_000L, 15_000L, 15_000L, 15_000L);
    }

    @Test
    void neverPollsBeforeTheRetryAfterButCapsIt() {
        // a 5 s Retry-After on the first failure: at least 5 s, at most 5 s + half the 1 s step
        assertThat(lowest().afterFailure(5_000)).isEqualTo(5_000);
        assertThat(highest().afterFailure(5_000)).isEqualTo(5_500);
        // an hour is capped at the longest back-off
        assertThat(lowest().afterFailure(3_600_000)).isEqualTo(15_000);
        assertThat(highest().afterFailure(3_600_000)).isEqualTo(15_500);
    }

    @Test
    void anAnswerResetsTheBackOff() {
        PollBackoff b = highest();
        b.afterFailure(-1);
        b.afterFailure(-1);
        b.afterFailure(-1);
        assertThat(b.failures()).isEqualTo(3);
        b.afterAnswer();
        assertThat(b.failures()).isZero();
        assertThat(b.afterFailure(-1)).isEqualTo(1_000);
    }

    @RepeatedTest(5)
    void randomWaitsStayWithinTheirBoundsAndSpreadAFleet() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int instance = 0; instance < 1_000; instance++) {
            PollBackoff b = new PollBackoff(1_000, 15_000, 300);
            long pause = b.afterAnswer();
            assertThat(pause).isBetween(0L, 300L);
            long first = b.afterFailure(5_000);
            assertThat(first).isBetween(5_000L, 5_500L);
            seen.add(first);
            long second = b.afterFailure(-1);
            assertThat(second).isBetween(1_000L, 2_000L);
            assertThat(b.afterFailure(-1)).isBetween(2_000L, 4_000L);
            assertThat(b.afterFailure(-1)).isBetween(4_000L, 8_000L);
            for (int i = 0; i < 100; i++) {
                assertThat(b.afterFailure(-1)).isBetween(7_500L, 15_000L);
            }
        }
        // 1,000 instances refused at once come back spread over the window, not at one moment
        assertThat(seen.size()).isGreaterThan(300);
    }

    @Test
    void rejectsBoundsThatCannotWork() {
        assertThatThrownBy(() -> new PollBackoff(0, 15_000, 300)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PollBackoff(2_000, 1_000, 300)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PollBackoff(1_000, 15_000, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
