package io.herald.server.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message's steps on one time axis, like a tracing UI draws spans: a lane for the producer and one per
 * consumer group, each step a bar placed at its offset from the earliest moment of the trace, as wide
 * as its duration (a step without a duration is a thin mark). Percentages of {@link #totalMs}.
 *
 * @param totalMs from the earliest moment (the producer's send) to the last step, at least 1
 * @param lanes   the producer first (steps without a group), then each group in the order it first appears
 * @param ticks   axis labels at 0, ¼, ½, ¾ and the whole of {@link #totalMs}
 */
public record Waterfall(long totalMs, List<Lane> lanes, List<Tick> ticks) {

    /** Width given to a step without a duration, so that it stays visible. */
    static final double MARK_PCT = 0.6;

    /**
     * One row: a consumer group (or the producer when {@code group} is null).
     *
     * @param spanStartPct where the lane's first step starts
     * @param spanWidthPct to where its last step ends (the lane's background bar)
     */
    public record Lane(String group, String app, double spanStartPct, double spanWidthPct, List<Bar> bars) {

        public String label() {
            return group == null ? "producer" + (app == null ? "" : " · " + app) : group;
        }
    }

    /**
     * One step.
     *
     * @param startMs    offset of its start from the earliest moment
     * @param durationMs its duration, or null for a moment
     */
    public record Bar(String kind, double startPct, double widthPct, long startMs, Long durationMs, Integer attempt,
                      String error) {

        /** The tooltip: what, when, for how long. */
        public String title() {
            return kind + " at +" + TraceFormat.msText(startMs + (durationMs == null ? 0 : durationMs))
                    + (durationMs == null ? "" : ", took " + TraceFormat.msText(durationMs))
                    + (attempt == null ? "" : ", attempt " + attempt) + (error == null ? "" : ": " + error);
        }

        /** The CSS class of its colour. */
        public String css() {
            return "wf-bar wf-" + kind.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public record Tick(double pct, long ms) {
    }

    static Waterfall of(MessageTrace trace) {
        List<TimepointView> steps = trace.timeline() == null ? List.of() : trace.timeline();
        if (steps.isEmpty()) {
            return new Waterfall(1, List.of(), List.of());
        }
        // a step's duration ends at its time: it began that much earlier (SENT: the send before Kafka's acknowledgement)
        long origin = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (TimepointView s : steps) {
            origin = Math.min(origin, s.sinceFirstMs() - duration(s));
            end = Math.max(end, s.sinceFirstMs());
        }
        long total = Math.max(1, end - origin);
        Map<String, List<TimepointView>> byLane = new LinkedHashMap<>();
        for (TimepointView s : steps) {
            if (s.group() == null) {
                byLane.computeIfAbsent("", k -> new ArrayList<>()).add(s);
            }
        }
        for (TimepointView s : steps) {
            if (s.group() != null) {
                byLane.computeIfAbsent(s.group(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Lane> lanes = new ArrayList<>();
        for (Map.Entry<String, List<TimepointView>> e : byLane.entrySet()) {
            List<Bar> bars = new ArrayList<>();
            long laneStart = Long.MAX_VALUE;
            long laneEnd = Long.MIN_VALUE;
            String app = null;
            for (TimepointView s : e.getValue()) {
                long start = s.sinceFirstMs() - duration(s) - origin;
                laneStart = Math.min(laneStart, start);
                laneEnd = Math.max(laneEnd, s.sinceFirstMs() - origin);
                app = app == null ? s.app() : app;
                double startPct = pct(start, total);
                double width = s.durationMs() == null || s.durationMs() <= 0 ? MARK_PCT : pct(s.durationMs(), total);
                bars.add(new Bar(s.kind(), Math.min(startPct, 100 - MARK_PCT), Math.max(MARK_PCT, Math.min(width, 100 - startPct)),
                        start, s.durationMs(), s.attempt(), s.error()));
            }
            double spanStart = pct(laneStart, total);
            lanes.add(new Lane(e.getKey().isEmpty() ? null : e.getKey(), app, spanStart,
                    Math.max(MARK_PCT, pct(laneEnd - laneStart, total)), bars));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            ticks.add(new Tick(i * 25.0, Math.round(total * i / 4.0)));
        }
        return new Waterfall(total, lanes, ticks);
    }

    private static long duration(TimepointView s) {
        return s.durationMs() == null || s.durationMs() < 0 ? 0 : s.durationMs();
    }

    private static double pct(long ms, long total) {
        return Math.round(Math.max(0, Math.min(100, ms * 100.0 / total)) * 100) / 100.0;
    }
}
