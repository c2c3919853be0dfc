package io.herald.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TicksTest {

    private static final Instant T0 = Instant.parse("2030-03-01T10:00:00Z");

    private static Ticks cron(String expression, String zone) {
        return new Ticks(Ticks.cron(expression), null, ZoneId.of(zone), T0, null, null, null);
    }

    @Test
    void cronTicksInItsTimeZone() {
        Ticks t = cron("0 30 9 * * *", "Europe/Berlin");
        // 09:30 in Berlin (UTC+1 in March before the switch) is 08:30 UTC
        assertThat(t.next(T0, 0)).isEqualTo(Instant.parse("2030-03-02T08:30:00Z"));
    }

    @Test
    void fiveFieldCronGetsSecondZero() {
        assertThat(cron("*/15 * * * *", "UTC").next(T0, 0)).isEqualTo(Instant.parse("2030-03-01T10:15:00Z"));
    }

    @Test
    void cronSkipsALocalTimeThatDaylightSavingLeavesOut() {
        Ticks t = cron("0 30 2 * * *", "Europe/Berlin");
        // 2030-03-31 02:30 does not exist in Berlin: like cron, Spring skips that day; next is 02:30 CEST on April 1st
        Instant next = t.next(Instant.parse("2030-03-30T12:00:00Z"), 0);
        assertThat(next).isEqualTo(Instant.parse("2030-04-01T00:30:00Z"));
    }

    @Test
    void fixedRateIsAnchoredAtTheStartAndStrictlyAfter() {
        Ticks t = new Ticks(null, 10_000L, ZoneId.of("UTC"), T0, null, null, null);
        assertThat(t.next(T0, 0)).isEqualTo(T0.plusSeconds(10));
        assertThat(t.next(T0.plusSeconds(10), 1)).isEqualTo(T0.plusSeconds(20));
        assertThat(t.next(T0.plusSeconds(25), 2)).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void startEndAndMaximumCountBoundTheTicks() {
        Instant start = T0.plusSeconds(3600);
        Ticks t = new Ticks(Ticks.cron("0 0 * * * *"), null, ZoneId.of("UTC"), T0, start, start.plusSeconds(7200), 5L);
        assertThat(t.next(T0, 0)).isEqualTo(start);
        assertThat(t.next(start.plusSeconds(7200), 1)).isNull();
        assertThat(t.next(T0, 5)).isNull();
        assertThat(t.upcoming(T0, 0, 10)).hasSize(3);
    }

    @Test
    void invalidCronIsRefused() {
        assertThatThrownBy(() -> Ticks.cron("every minute")).isInstanceOf(IllegalArgumentException.class);
    }
}
