package io.herald.server.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.console.Views;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each time format against the parsers it replaced (copied below as they were: the trace and replay
 * APIs' instant, the console filters' UTC time, the schedule form's zoned time, HTTP ingestion's delay
 * and RFC 3339 headers): the same value, or the same refusal, for every input.
 */
class TimeInputTest {

    private static final List<String> INPUTS = List.of(
            "", "   ", "2026-11-22T10:15:00Z", " 2026-11-22T10:15:00Z ", "2026-11-22T11:15:00+01:00",
            "2026-11-22T10:15:00.123456Z", "2026-11-22T10:15Z", "1764000000000", "0", "99999999999999999999",
            "-1764000000000", "2026-01-31 14:00:00", "2026-01-31 14:00", "2026-01-31T14:00", "2026-01-31 14:00:00 UTC",
            "2026-01-31 14:00:00Z", "2026-01-31 14:00:00z", "2026-01-31", "2026-01-31  14:00:00", "01/31/2026 2:00 PM",
            "2026-02-30 10:00:00", "2026-13-01", "UTC", "Z", "now", "PT30S", "30", "1.5", "0.001", "-5", "PT-5S",
            "P1D", "PT1H30M", "1,5", "30s", "2030-01-01T12:00:00Z", "2030-01-01T12:00:00", "2030-01-01T12:00:00+25:00",
            "2026-11-22t10:15:00z");

    @Test
    void readsApiInstantsAsTheTraceAndReplayApisDid() {
        for (String in : INPUTS) {
            assertThat(outcome(s -> TimeInput.INSTANT.read("from", s), in)).as(in)
                    .isEqualTo(outcome(s -> oldApiInstant("from", s), in));
        }
        assertThat(TimeInput.INSTANT.read("from", "1764000000000")).isEqualTo(Instant.ofEpochMilli(1764000000000L));
    }

    @Test
    void readsConsoleTimesAsTheConsoleFiltersDid() {
        for (String in : INPUTS) {
            assertThat(outcome(s -> TimeInput.CONSOLE_UTC.read("from", s), in)).as(in)
                    .isEqualTo(outcome(s -> oldConsoleUtc("from", s), in));
        }
        assertThat(TimeInput.CONSOLE_UTC.read("from", "2026-01-31 14:00:00")).isEqualTo(Instant.parse("2026-01-31T14:00:00Z"));
        assertThat(TimeInput.CONSOLE_UTC.read("from", "2026-01-31T15:00:00+01:00")).isEqualTo(Instant.parse("2026-01-31T14:00:00Z"));
        assertThat(TimeInput.CONSOLE_UTC.read("from", "2026-01-31")).isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
        // what the console writes into a field it reads back
        Instant t = Instant.parse("2026-01-31T14:00:05Z");
        assertThat(Views.input(t.plusMillis(123))).isEqualTo("2026-01-31 14:00:05");
        assertThat(TimeInput.CONSOLE_UTC.read("from", Views.input(t))).isEqualTo(t);
        assertThat(TimeInput.consoleText(t)).isEqualTo("2026-01-31 14:00:05");
        assertThat(TimeInput.consoleText(null)).isEmpty();
    }

    @Test
    void readsScheduleTimesInTheSchedulesZoneAsTheScheduleFormDid() {
        for (ZoneId zone : List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"))) {
            for (String in : INPUTS) {
                assertThat(outcome(s -> TimeInput.consoleIn(zone).read("startAt", s), in)).as(zone + " " + in)
                        .isEqualTo(outcome(s -> oldScheduleTime("startAt", s, zone), in));
            }
        }
        assertThat(TimeInput.consoleIn(ZoneId.of("Europe/Berlin")).read("startAt", "2030-01-31 08:00:00"))
                .isEqualTo(Instant.parse("2030-01-31T07:00:00Z"));
    }

    @Test
    void readsDelaysAndRfc3339TimesAsHttpIngestionDid() {
        for (String in : INPUTS) {
            assertThat(outcome(s -> TimeInput.DELAY.read("Herald-Delay", s), in)).as(in)
                    .isEqualTo(outcome(IngestBefore::delay, in));
            assertThat(outcome(s -> TimeInput.RFC_3339.read("Herald-Deliver-At", s).toInstant(), in)).as(in)
                    .isEqualTo(outcome(IngestBefore::deliverAt, in));
        }
        assertThat(TimeInput.DELAY.read("Herald-Delay", "1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(TimeInput.DELAY.read("Herald-Delay", null)).isNull();
        assertThat(TimeInput.RFC_3339.accepts("2030-01-01T12:00:00Z")).isTrue();
        assertThat(TimeInput.RFC_3339.accepts("2030-01-01 12:00:00")).isFalse();
        assertThat(TimeInput.RFC_3339.accepts("")).isFalse();
    }

    @Test
    void reportsTheProblemInsteadOfThrowingWhenAskedTo() {
        List<String> problems = new ArrayList<>();
        assertThat(TimeInput.CONSOLE_UTC.read("to", "yesterday", (f, m) -> problems.add(f + ": " + m))).isNull();
        assertThat(problems).containsExactly("to: must be a date and time in UTC, like 2026-01-31 14:00:00");
        assertThatThrownBy(() -> TimeInput.INSTANT.read("from", "yesterday")).isInstanceOf(ValidationException.class)
                .hasMessage("from: must be an ISO-8601 time with offset, e.g. 2026-11-22T10:15:00Z, or epoch milliseconds");
    }

    // ------------------------------------------------------------------ helpers

    /** The value, or the refusal as "field: message", or the name of any other exception. */
    private static String outcome(Function<String, ?> parser, String in) {
        try {
            return "value " + Objects.toString(parser.apply(in));
        } catch (ValidationException e) {
            return "refused " + e.getMessage();
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

    /** TraceController.time and ReplayService.time as they were (ReplayService reported the same message). */
    private static Instant oldApiInstant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip();
        try {
            if (s.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ValidationException(field, "must be an ISO-8601 time with offset, e.g. 2026-11-22T10:15:00Z, or epoch milliseconds");
        }
    }

    /** TracePages, ReplayPages, MessagePages and AuditPages around the old Views.time. */
    private static Instant oldConsoleUtc(String field, String value) {
        try {
            return oldViewsTime(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ValidationException(field, "must be a date and time in UTC, like 2026-01-31 14:00:00");
        }
    }

    private static Instant oldViewsTime(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip();
        if (s.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return oldLocalTime(s).toInstant(ZoneOffset.UTC);
        }
    }

    private static LocalDateTime oldLocalTime(String value) {
        String s = value.strip();
        if (s.endsWith("UTC")) {
            s = s.substring(0, s.length() - 3).strip();
        } else if (s.endsWith("Z") || s.endsWith("z")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.length() == 10) {
            s = s + "T00:00";
        } else if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + "T" + s.substring(11).strip();
        }
        return LocalDateTime.parse(s);
    }

    /** ScheduleForm.instant as it was. */
    private static Instant oldScheduleTime(String field, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return oldLocalTime(value).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new ValidationException(field, "must be a date and time such as 2030-01-31 08:00:00");
        }
    }

    /** IngestService.due's parsing of Herald-Delay and Herald-Deliver-At as it was (both only for a header sent). */
    private static final class IngestBefore {

        static Duration delay(String delay) {
            if (delay == null) {
                return null;
            }
            try {
                return delay.strip().matches("\\d+(\\.\\d+)?") ? Duration.ofMillis((long) (Double.parseDouble(delay.strip()) * 1000))
                        : Duration.parse(delay.strip());
            } catch (RuntimeException e) {
                throw new ValidationException("Herald-Delay", "must be an ISO-8601 duration such as PT30S, or seconds");
            }
        }

        static Instant deliverAt(String deliverAt) {
            try {
                return OffsetDateTime.parse(deliverAt.strip()).toInstant();
            } catch (RuntimeException e) {
                throw new ValidationException("Herald-Deliver-At", "must be an RFC 3339 time such as 2030-01-01T12:00:00Z");
            }
        }
    }
}
