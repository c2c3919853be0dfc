package io.herald.server.common;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The ways people write a time or a delay to Herald, one instance per format, each with the one message
 * it answers when a value is not in it. Every REST, gRPC and console field that takes a time reads it
 * through one of these, so a format accepts the same values and refuses them with the same words
 * wherever it is used. (Console durations such as {@code 7d} or {@code 1h30m} are read by the console's
 * {@code ConsoleDuration}, the one place that format is parsed.)
 *
 * @param <T> what a value reads as
 */
public final class TimeInput<T> {

    /**
     * An instant in the REST API's query parameters and request bodies: an ISO-8601 time with offset
     * ({@code 2026-11-22T10:15:00Z}, {@code 2026-11-22T11:15:00+01:00}) or epoch milliseconds. Blank is none.
     */
    public static final TimeInput<Instant> INSTANT = new TimeInput<>(true,
            "must be an ISO-8601 time with offset, e.g. 2026-11-22T10:15:00Z, or epoch milliseconds",
            s -> digits(s) ? Instant.ofEpochMilli(Long.parseLong(s)) : OffsetDateTime.parse(s).toInstant());

    /**
     * An RFC 3339 time with offset, as events carry it ({@code Herald-Deliver-At}, {@code Herald-Expires-At},
     * a CloudEvent's {@code time}, a processor's start position). Blank is not none: it is refused.
     */
    public static final TimeInput<OffsetDateTime> RFC_3339 = new TimeInput<>(false,
            "must be an RFC 3339 time such as 2030-01-01T12:00:00Z", OffsetDateTime::parse);

    /**
     * A delay before an event is due ({@code Herald-Delay}): an ISO-8601 duration such as {@code PT30S}, or
     * seconds ({@code 30}, {@code 1.5}). Blank is refused; whether a negative delay is allowed is the caller's rule.
     */
    public static final TimeInput<Duration> DELAY = new TimeInput<>(false,
            "must be an ISO-8601 duration such as PT30S, or seconds",
            s -> s.matches("\\d+(\\.\\d+)?") ? Duration.ofMillis((long) (Double.parseDouble(s) * 1000)) : Duration.parse(s));

    /**
     * A time typed into a console filter, in UTC like every time the console shows: {@code 2026-01-31 14:00:00}
     * (seconds and the time of day optional, {@code T} for the space, a trailing {@code Z} or {@code UTC}
     * allowed), an ISO-8601 time with offset, or epoch milliseconds. Blank is none.
     */
    public static final TimeInput<Instant> CONSOLE_UTC = new TimeInput<>(true,
            "must be a date and time in UTC, like 2026-01-31 14:00:00", TimeInput::consoleUtc);

    /** How the console writes a time into a form field, as {@link #CONSOLE_UTC} reads it back: {@code 2026-01-31 14:00:00}. */
    public static final DateTimeFormatter CONSOLE_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final boolean blankIsNone;
    private final String rule;
    private final Function<String, T> parser;

    private TimeInput(boolean blankIsNone, String rule, Function<String, T> parser) {
        this.blankIsNone = blankIsNone;
        this.rule = rule;
        this.parser = parser;
    }

    /**
     * A date and time typed into a console form that has its own time zone (a schedule's start and end):
     * {@code 2030-01-31 08:00:00} as {@link #CONSOLE_UTC} writes it, without offset or epoch milliseconds,
     * read in {@code zone}. Blank is none.
     */
    public static TimeInput<Instant> consoleIn(ZoneId zone) {
        return new TimeInput<>(true, "must be a date and time such as 2030-01-31 08:00:00",
                s -> localDateTime(s).atZone(zone).toInstant());
    }

    /** {@link #CONSOLE_FORMAT} of an instant in UTC, for a console form field; empty for null. */
    public static String consoleText(Instant t) {
        return t == null ? "" : CONSOLE_FORMAT.format(t.atOffset(ZoneOffset.UTC).toLocalDateTime());
    }

    /** What a value must look like, as the refusal says it ({@code "must be …"}). */
    public String rule() {
        return rule;
    }

    /**
     * The value of {@code text} (surrounding white space ignored); null when it is null, or blank where blank
     * means none.
     *
     * @throws ValidationException naming {@code field} with {@link #rule()} when the text is not in this format
     */
    public T read(String field, String text) {
        try {
            return parse(text);
        } catch (RuntimeException e) {
            throw new ValidationException(field, rule);
        }
    }

    /**
     * As {@link #read(String, String)}, but a value not in this format is reported to {@code problems} (field,
     * message; such as {@code Violations::add}) and read as null, so a form can show every problem at once.
     */
    public T read(String field, String text, BiConsumer<String, String> problems) {
        try {
            return parse(text);
        } catch (RuntimeException e) {
            problems.accept(field, rule);
            return null;
        }
    }

    /** Whether {@code text} is a value in this format. */
    public boolean accepts(String text) {
        try {
            parse(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private T parse(String text) {
        if (text == null || (blankIsNone && text.isBlank())) {
            return null;
        }
        return parser.apply(text.strip());
    }

    private static boolean digits(String s) {
        return s.chars().allMatch(Character::isDigit);
    }

    private static Instant consoleUtc(String s) {
        if (digits(s)) {
            return Instant.ofEpochMilli(Long.parseLong(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException e) {
            return localDateTime(s).toInstant(ZoneOffset.UTC);
        }
    }

    /** {@code 2026-01-31 14:00:00} with seconds and time of day optional, {@code T} for the space, a trailing Z or UTC. */
    private static LocalDateTime localDateTime(String value) {
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
}
