package io.herald.server.trace;

import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.Traceparents;
import java.util.Locale;

/**
 * A timepoint as the store writes it: strings cut to their column sizes, NUL characters removed
 * (PostgreSQL refuses them), the W3C trace id taken out of the traceparent.
 */
record TraceRow(long at, String messageId, String kind, String topic, String type, String key, String app,
                String group, String instance, Integer partition, Long offset, Long brokerTime, Long durationMs,
                Integer attempt, String error, String traceId, String traceparent, String replayJob) {

    /** The same step stamped at another time (moved onto the broker's clock). */
    TraceRow movedTo(long time) {
        return new TraceRow(time, messageId, kind, topic, type, key, app, group, instance, partition, offset, brokerTime,
                durationMs, attempt, error, traceId, traceparent, replayJob);
    }

    static final int KEY_MAX = 512;
    static final int MESSAGE_ID_MAX = 200;

    /** The row for a timepoint, or {@code null} when it lacks a message id or kind. */
    static TraceRow of(Timepoint t) {
        String id = cut(t.messageId(), MESSAGE_ID_MAX);
        String kind = t.kind() == null ? null : cut(t.kind().strip().toUpperCase(Locale.ROOT), 16);
        if (id == null || id.isEmpty() || kind == null || kind.isEmpty()) {
            return null;
        }
        String traceparent = cut(t.traceparent(), 64);
        return new TraceRow(t.time(), id, kind, cut(t.topic(), 249), cut(t.type(), 200), key(t.key()), cut(t.app(), 100),
                cut(t.group(), 249), cut(t.instance(), 200), t.partition(), t.offset(), t.brokerTime(), t.durationMs(),
                t.attempt(), cut(t.error(), 4000), Traceparents.traceId(traceparent), traceparent, cut(t.replayJob(), 64));
    }

    /** A business key as stored and searched (long keys are cut the same way on both sides). */
    static String key(String key) {
        return cut(key, KEY_MAX);
    }

    static String cut(String s, int max) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            s = s.replace("\0", "");
        }
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
