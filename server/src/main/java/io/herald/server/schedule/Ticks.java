package io.herald.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.scheduling.support.CronExpression;

/**
 * When a schedule ticks: a cron expression in a time zone (Spring's {@link CronExpression}, with
 * seconds; a classic five-field expression gets second 0) or a fixed rate anchored at the start,
 * bounded by start, end and the maximum count. Pure, so it is tested without a clock.
 */
record Ticks(CronExpression cron, Long rateMillis, ZoneId zone, Instant anchor, Instant start, Instant end, Long maxCount) {

    /** Parses a cron expression; five fields (minute precision) are accepted too. */
    static CronExpression cron(String expression) {
        String e = expression.strip();
        if (!e.startsWith("@") && e.split("\\s+").length == 5) {
            e = "0 " + e;
        }
        return CronExpression.parse(e);
    }

    /** The first tick strictly after {@code after}, or null when none is left. */
    Instant next(Instant after, long firedCount) {
        if (maxCount != null && firedCount >= maxCount) {
            return null;
        }
        Instant from = after;
        if (start != null && from.isBefore(start)) {
            from = start.minusNanos(1);
        }
        Instant next;
        if (cron != null) {
            ZonedDateTime z = cron.next(ZonedDateTime.ofInstant(from, zone));
            next = z == null ? null : z.toInstant();
        } else {
            Instant a = start != null ? start : anchor;
            if (from.isBefore(a)) {
                next = a;
            } else {
                long elapsed = Duration.between(a, from).toMillis();
                next = a.plusMillis((elapsed / rateMillis + 1) * rateMillis);
            }
        }
        if (next == null || (end != null && next.isAfter(end))) {
            return null;
        }
        return next;
    }

    /** Up to {@code n} coming ticks after {@code after}. */
    List<Instant> upcoming(Instant after, long firedCount, int n) {
        List<Instant> out = new ArrayList<>();
        Instant t = after;
        for (int i = 0; i < n; i++) {
            t = next(t, firedCount + i);
            if (t == null) {
                break;
            }
            out.add(t);
        }
        return out;
    }
}
