package io.herald.server.trace;

import io.herald.server.common.TimeInput;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Formatting for trace and replay pages: {@code ${@traceFmt.time(x)}}, UTC with milliseconds. */
@Component("traceFmt")
public class TraceFormat {

    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    public String time(Instant t) {
        return t == null ? "—" : FULL.format(t);
    }

    /** A value for a time field, {@code 2026-01-31 14:00:00} (UTC). */
    public String input(Instant t) {
        return TimeInput.consoleText(t);
    }

    /** Milliseconds, or a dash. */
    public String ms(Long ms) {
        return msText(ms);
    }

    static String msText(Long ms) {
        return ms == null ? "—" : ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** The badge class of a state: ok, warn or bad. */
    public String badge(String state) {
        if (state == null) {
            return "badge";
        }
        return switch (state) {
            case "HANDLED", "DONE", "COPIED", "SENT" -> "badge ok";
            case "DEAD_LETTERED", "FAILED", "MISSING" -> "badge bad";
            case "RETRYING", "RETRIED", "CANCELLED", "IN_PROGRESS", "RUNNING", "PENDING" -> "badge warn";
            default -> "badge";
        };
    }
}
