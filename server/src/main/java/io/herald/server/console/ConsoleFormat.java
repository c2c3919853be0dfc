package io.herald.server.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Formatting helpers for templates: {@code ${@fmt.time(x)}}. Times are shown in UTC. */
@Component("fmt")
class ConsoleFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Most characters of a description a list page shows; the rest is on the item's own page. */
    static final int BRIEF = 120;

    /**
     * A long text as a list shows it: at most {@value #BRIEF} characters, cut with an ellipsis on the
     * server, so a list page never carries descriptions in full (a 2,000-character one, or an older
     * row longer still, times a few hundred rows).
     */
    public String brief(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.strip();
        return oneLine.length() <= BRIEF ? oneLine : oneLine.substring(0, BRIEF - 1).stripTrailing() + "…";
    }

    public String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    public String time(long epochMillis) {
        return time(Instant.ofEpochMilli(epochMillis));
    }

    /** A value for a time field, {@code 2026-01-31 14:00:00} (UTC). */
    public String input(Instant t) {
        return Views.input(t);
    }

    /** "12 s ago", "3 min ago", … */
    public String ago(Instant t) {
        if (t == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(t, Instant.now()).getSeconds());
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return (s / 60) + " min ago";
        }
        if (s < 86_400) {
            return (s / 3600) + " h ago";
        }
        return (s / 86_400) + " d ago";
    }

    /** Milliseconds as a readable span: "7 d", "1 h 30 min", "forever" for -1. */
    public String millis(Long ms) {
        if (ms == null) {
            return "—";
        }
        if (ms < 0) {
            return "forever";
        }
        if (ms < 1000) {
            return ms + " ms";
        }
        Duration d = Duration.ofMillis(ms);
        if (d.toDays() > 0 && d.minusDays(d.toDays()).isZero()) {
            return d.toDays() + " d";
        }
        if (d.toHours() > 0 && d.minusHours(d.toHours()).isZero()) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() > 0 && d.minusMinutes(d.toMinutes()).isZero()) {
            return d.toMinutes() + " min";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.getSeconds() + " s";
        }
        return ms + " ms";
    }

    public String bytes(Long n) {
        if (n == null || n < 0) {
            return "—";
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    public String number(Long n) {
        return n == null ? "—" : String.format(Locale.ROOT, "%,d", n);
    }

    public String rate(Double perSecond) {
        if (perSecond == null) {
            return "—";
        }
        return perSecond < 10 ? String.format(Locale.ROOT, "%.1f/s", perSecond) : String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }
}
