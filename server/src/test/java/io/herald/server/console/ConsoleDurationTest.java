package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.console.ConsoleDuration.BadDuration;
import org.junit.jupiter.api.Test;

class ConsoleDurationTest {

    @Test
    void readsUnitsAlonePartsTogetherAndBareMilliseconds() {
        assertThat(ConsoleDuration.parse("7d", false)).isEqualTo(604_800_000L);
        assertThat(ConsoleDuration.parse("90s", false)).isEqualTo(90_000L);
        assertThat(ConsoleDuration.parse(" 1h 30m ", false)).isEqualTo(5_400_000L);
        assertThat(ConsoleDuration.parse("2min", false)).isEqualTo(120_000L);
        assertThat(ConsoleDuration.parse("500ms", false)).isEqualTo(500L);
        assertThat(ConsoleDuration.parse("2W", false)).isEqualTo(1_209_600_000L);
        assertThat(ConsoleDuration.parse("1500", false)).isEqualTo(1500L);
        assertThat(ConsoleDuration.parse("", false)).isNull();
        assertThat(ConsoleDuration.parse("forever", true)).isEqualTo(-1L);
        assertThat(ConsoleDuration.parse("-1", true)).isEqualTo(-1L);
    }

    @Test
    void refusesWhatItCannotReadSayingHowToWriteIt() {
        assertThatThrownBy(() -> ConsoleDuration.parse("12 hours", false)).isInstanceOf(BadDuration.class)
                .hasMessage("'12 hours' is not a duration: give a number and a unit, e.g. 500ms, 90s, 15m, 2h, 7d or 1h30m");
        assertThatThrownBy(() -> ConsoleDuration.parse("forever", false)).isInstanceOf(BadDuration.class);
        assertThatThrownBy(() -> ConsoleDuration.parse("1.5h", true)).isInstanceOf(BadDuration.class).hasMessageEndingWith("or forever");
        assertThatThrownBy(() -> ConsoleDuration.parse("99999999999999999999d", false)).isInstanceOf(BadDuration.class)
                .hasMessageContaining("too long");
    }

    @Test
    void writesTheShortestExactSpelling() {
        assertThat(ConsoleDuration.format(604_800_000L)).isEqualTo("7d");
        assertThat(ConsoleDuration.format(90_000L)).isEqualTo("1m30s");
        assertThat(ConsoleDuration.format(5_400_000L)).isEqualTo("1h30m");
        assertThat(ConsoleDuration.format(1500L)).isEqualTo("1s500ms");
        assertThat(ConsoleDuration.format(-1L)).isEqualTo("forever");
        assertThat(ConsoleDuration.format(0L)).isEqualTo("0s");
        assertThat(ConsoleDuration.format(null)).isEmpty();
        for (long ms : new long[] {1, 999, 60_000, 86_399_999, 604_800_000L * 52}) {
            assertThat(ConsoleDuration.parse(ConsoleDuration.format(ms), false)).isEqualTo(ms);
        }
    }
}
