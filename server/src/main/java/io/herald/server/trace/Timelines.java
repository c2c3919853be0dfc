package io.herald.server.trace;

import io.herald.sdk.wire.Timepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Turns a message's stored timepoints into its timeline, per-group states and latencies. */
final class Timelines {

    static final String HANDLED = "HANDLED";
    static final String RETRYING = "RETRYING";
    static final String DEAD_LETTERED = "DEAD_LETTERED";
    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String SENT = "SENT";
    static final String UNKNOWN = "UNKNOWN";

    private static final Map<String, Integer> ORDER = Map.of(Timepoint.SENT, 0, Timepoint.REPLAYED, 1,
            Timepoint.RECEIVED, 2, Timepoint.FAILED, 3, Timepoint.RETRIED, 4, Timepoint.DEAD_LETTERED, 5,
            Timepoint.HANDLED, 6);

    /** Time order; within one millisecond, the order steps happen in. */
    static final Comparator<TraceRow> IN_TIME = Comparator.comparingLong(TraceRow::at)
            .thenComparing(r -> ORDER.getOrDefault(r.kind(), 9))
            .thenComparing(r -> r.attempt() == null ? 0 : r.attempt());

    private Timelines() {
    }

    /**
     * Drops exact repeats (an SDK that re-sent a batch of timepoints), puts every step on the broker's
     * clock ({@link #onBrokerClock}) and sorts in time order.
     */
    static List<TraceRow> normalize(List<TraceRow> rows) {
        return normalize(rows, new HashMap<>());
    }

    private static List<TraceRow> normalize(List<TraceRow> rows, Map<TraceRow, Long> shifts) {
        Set<TraceRow> distinct = new LinkedHashSet<>(rows);
        List<TraceRow> sorted = onBrokerClock(new ArrayList<>(distinct), shifts);
        sorted.sort(IN_TIME);
        return sorted;
    }

    /**
     * Every SDK instance stamps its steps with its own clock, and the clocks of two hosts differ: a
     * consumer whose clock is 40 ms behind the producer's seems to receive a record 40 ms before it was
     * acknowledged. The record's Kafka timestamp is the one time every step of it shares, and the producer's
     * acknowledgement is when Kafka had it: no consumer receives a record before Kafka stamped it, nor (on
     * the first delivery) before that acknowledgement. A consumer instance whose steps break that bound has its clock
     * moved forward by the smallest amount that satisfies it, all its steps alike, so their order and the
     * durations between them stay as recorded. {@code shifts} gets, per moved row, by how much.
     */
    static List<TraceRow> onBrokerClock(List<TraceRow> rows, Map<TraceRow, Long> shifts) {
        TraceRow sent = rows.stream().filter(r -> Timepoint.SENT.equals(r.kind())).findFirst().orElse(null);
        Map<String, Long> skew = new HashMap<>();
        for (TraceRow r : rows) {
            if (sent != null && clockOf(r).equals(clockOf(sent))) {
                continue; // the producer's acknowledgement is the anchor: its clock stays as it is
            }
            long bound = Long.MIN_VALUE;
            if (r.brokerTime() != null) {
                bound = r.brokerTime();
            }
            if (sent != null && Timepoint.RECEIVED.equals(r.kind()) && r.replayJob() == null) {
                bound = Math.max(bound, sent.at());
            }
            if (bound != Long.MIN_VALUE && bound > r.at()) {
                skew.merge(clockOf(r), bound - r.at(), Math::max);
            }
        }
        if (skew.isEmpty()) {
            return rows;
        }
        List<TraceRow> out = new ArrayList<>(rows.size());
        for (TraceRow r : rows) {
            Long by = skew.get(clockOf(r));
            if (by == null) {
                out.add(r);
            } else {
                TraceRow moved = r.movedTo(r.at() + by);
                shifts.put(moved, by);
                out.add(moved);
            }
        }
        return out;
    }

    /** The clock a step was stamped with: its SDK instance's (or its app and group's when the instance is unknown). */
    private static String clockOf(TraceRow r) {
        return r.instance() != null ? r.app() + "\u0000" + r.instance() : r.app() + "\u0000\u0000" + r.group();
    }

    static MessageTrace trace(String messageId, List<TraceRow> stored, boolean truncated) {
        Map<TraceRow, Long> shifts = new HashMap<>();
        List<TraceRow> rows = normalize(stored, shifts);
        TraceRow first = rows.get(0);
        TraceRow sent = rows.stream().filter(r -> Timepoint.SENT.equals(r.kind())).findFirst().orElse(null);
        TraceRow position = sent != null && sent.offset() != null ? sent
                : rows.stream().filter(r -> r.offset() != null && r.replayJob() == null
                        && Timepoint.RECEIVED.equals(r.kind())).findFirst().orElse(null);
        // The SDK records SENT when Kafka acknowledged the record; durationMs is how long that took.
        Long ackedAt = sent == null ? null : Long.valueOf(sent.at());
        Long sentAt = sent == null ? null : sent.durationMs() != null ? Long.valueOf(sent.at() - sent.durationMs()) : ackedAt;

        List<TimepointView> timeline = new ArrayList<>(rows.size());
        Long previous = null;
        for (TraceRow r : rows) {
            timeline.add(new TimepointView(r.kind(), Instant.ofEpochMilli(r.at()), r.topic(), r.app(), r.group(), r.instance(),
                    r.partition(), r.offset(), instant(r.brokerTime()), r.durationMs(), r.attempt(), r.error(), r.replayJob(),
                    previous == null ? null : r.at() - previous, r.at() - first.at(), shifts.get(r)));
            previous = r.at();
        }

        List<GroupTrace> groups = groups(rows, ackedAt);
        MessageTrace.Latency latency = latency(sent, sentAt, groups);
        return new MessageTrace(messageId, firstNonNull(rows, TraceRow::topic), firstNonNull(rows, TraceRow::type),
                firstNonNull(rows, TraceRow::key), firstNonNull(rows, TraceRow::traceparent), status(sent != null, groups),
                position == null ? null : position.partition(), position == null ? null : position.offset(),
                Instant.ofEpochMilli(first.at()), Instant.ofEpochMilli(rows.get(rows.size() - 1).at()),
                instant(sentAt), instant(ackedAt), latency, groups, timeline, truncated,
                null);
    }

    static MessageSummary summary(String messageId, List<TraceRow> stored) {
        List<TraceRow> rows = normalize(stored);
        boolean sent = rows.stream().anyMatch(r -> Timepoint.SENT.equals(r.kind()));
        List<GroupTrace> groups = groups(rows, null);
        boolean failed = rows.stream().anyMatch(r -> Timepoint.FAILED.equals(r.kind()) || Timepoint.DEAD_LETTERED.equals(r.kind()));
        return new MessageSummary(messageId, firstNonNull(rows, TraceRow::topic), firstNonNull(rows, TraceRow::type),
                firstNonNull(rows, TraceRow::key), status(sent, groups), Instant.ofEpochMilli(rows.get(0).at()),
                Instant.ofEpochMilli(rows.get(rows.size() - 1).at()), groups.stream().map(GroupTrace::group).toList(), failed);
    }

    /** The state of each consumer group from its own steps; the latest deciding step wins (a redrive can heal a dead letter). */
    static List<GroupTrace> groups(List<TraceRow> rows, Long ackedAt) {
        Map<String, List<TraceRow>> byGroup = new LinkedHashMap<>();
        for (TraceRow r : rows) {
            if (r.group() != null && !Timepoint.SENT.equals(r.kind())) {
                byGroup.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
            }
        }
        List<GroupTrace> out = new ArrayList<>();
        byGroup.forEach((group, list) -> out.add(group(group, list, ackedAt)));
        return out;
    }

    private static GroupTrace group(String group, List<TraceRow> list, Long ackedAt) {
        String state = IN_PROGRESS;
        TraceRow deciding = null;
        TraceRow firstReceived = null;
        TraceRow lastReceived = null;
        Long handleMs = null;
        String lastError = null;
        int attempts = 0;
        Set<String> replays = new LinkedHashSet<>();
        for (TraceRow r : list) {
            if (r.attempt() != null) {
                attempts = Math.max(attempts, r.attempt());
            }
            if (r.replayJob() != null) {
                replays.add(r.replayJob());
            }
            switch (r.kind()) {
                case Timepoint.RECEIVED -> {
                    if (firstReceived == null) {
                        firstReceived = r;
                    }
                    lastReceived = r;
                    state = IN_PROGRESS;
                }
                case Timepoint.REPLAYED -> state = IN_PROGRESS;
                case Timepoint.HANDLED -> {
                    state = HANDLED;
                    deciding = r;
                    handleMs = r.durationMs() != null ? r.durationMs() : lastReceived != null ? Long.valueOf(r.at() - lastReceived.at()) : null;
                }
                case Timepoint.FAILED, Timepoint.RETRIED -> {
                    state = RETRYING;
                    if (r.error() != null) {
                        lastError = r.error();
                    }
                }
                case Timepoint.DEAD_LETTERED -> {
                    state = DEAD_LETTERED;
                    deciding = r;
                    if (r.error() != null) {
                        lastError = r.error();
                    }
                }
                default -> {
                    // a kind this server does not know yet: shown in the timeline only
                }
            }
        }
        if (attempts == 0 && firstReceived != null) {
            attempts = 1;
        }
        // on the broker's clock a first delivery never precedes the acknowledgement (onBrokerClock); a redelivery can
        Long receiveLatency = firstReceived != null && ackedAt != null ? Long.valueOf(Math.max(0, firstReceived.at() - ackedAt)) : null;
        String app = list.stream().map(TraceRow::app).filter(Objects::nonNull).findFirst().orElse(null);
        return new GroupTrace(group, app, state, attempts, firstReceived == null ? null : Instant.ofEpochMilli(firstReceived.at()),
                deciding == null || state.equals(IN_PROGRESS) || state.equals(RETRYING) ? null : Instant.ofEpochMilli(deciding.at()),
                receiveLatency, HANDLED.equals(state) ? handleMs : null, lastError, List.copyOf(replays));
    }

    static String status(boolean sent, List<GroupTrace> groups) {
        if (groups.isEmpty()) {
            return sent ? SENT : UNKNOWN;
        }
        Map<String, Integer> count = new HashMap<>();
        groups.forEach(g -> count.merge(g.state(), 1, Integer::sum));
        if (count.containsKey(DEAD_LETTERED)) {
            return DEAD_LETTERED;
        }
        if (count.containsKey(RETRYING)) {
            return RETRYING;
        }
        if (count.containsKey(IN_PROGRESS)) {
            return IN_PROGRESS;
        }
        return HANDLED;
    }

    private static MessageTrace.Latency latency(TraceRow sent, Long sentAt, List<GroupTrace> groups) {
        Long sendMs = sent == null ? null : sent.durationMs();
        GroupTrace firstGroup = groups.stream().filter(g -> g.receivedAt() != null)
                .min(Comparator.comparing(GroupTrace::receivedAt)).orElse(null);
        Long deliverMs = firstGroup == null ? null : firstGroup.receiveLatencyMs();
        Long handleMs = groups.stream().filter(g -> HANDLED.equals(g.state()) && g.handleMs() != null)
                .min(Comparator.comparing(GroupTrace::finishedAt)).map(GroupTrace::handleMs).orElse(null);
        Long endToEnd = null;
        if (sent != null && !groups.isEmpty() && groups.stream().allMatch(g -> HANDLED.equals(g.state()))) {
            long last = groups.stream().mapToLong(g -> g.finishedAt().toEpochMilli()).max().orElse(sentAt);
            endToEnd = last - sentAt;
        }
        return new MessageTrace.Latency(sendMs, deliverMs, handleMs, endToEnd);
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static String firstNonNull(List<TraceRow> rows, java.util.function.Function<TraceRow, String> f) {
        for (TraceRow r : rows) {
            String v = f.apply(r);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
