package io.herald.sdk.internal.trace;

import io.herald.sdk.wire.Timepoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@link Timepoint} as the JSON Jackson would write it (same names and order, nulls left
 * out), by hand into one reused byte buffer: the shipper writes one per traced step, and both a
 * reflective Jackson writer and a StringBuilder plus UTF-8 encoding cost more than the Kafka send
 * of the timepoint. Not thread-safe: one per shipper thread.
 */
final class TimepointJson {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf = new byte[512];
    private int len;

    byte[] write(Timepoint t) {
        len = 0;
        object(t);
        return Arrays.copyOf(buf, len);
    }

    /** Several timepoints as one JSON array. */
    byte[] writeArray(java.util.List<Timepoint> timepoints) {
        begin(true);
        for (Timepoint t : timepoints) {
            add(t, null, null);
        }
        return finish();
    }

    private boolean array;
    private int count;

    /** Starts a record: a JSON array of timepoints, or (not {@code array}) a single JSON object. */
    void begin(boolean array) {
        this.array = array;
        this.count = 0;
        len = 0;
        if (array) {
            put((byte) '[');
        }
    }

    /** Appends a {@link Timepoint} or a {@link SentTimepoint} (with the app and instance that recorded it). */
    void add(Object item, String app, String instance) {
        if (count++ > 0) {
            put((byte) ',');
        }
        if (item instanceof SentTimepoint s) {
            sent(s, app, instance);
        } else {
            object((Timepoint) item);
        }
    }

    /** Bytes written to the current record so far. */
    int length() {
        return len;
    }

    /** The record started by {@link #begin}. */
    byte[] finish() {
        if (array) {
            put((byte) ']');
        }
        return Arrays.copyOf(buf, len);
    }

    /** The same JSON as a SENT {@link Timepoint} with these fields. */
    private void sent(SentTimepoint s, String app, String instance) {
        raw("{\"messageId\":");
        ascii(s.messageIdBytes());
        raw(",\"kind\":\"SENT\",\"time\":");
        number(s.ackedAt());
        text("topic", s.topic());
        text("type", s.type());
        text("key", s.key());
        text("app", app);
        text("instance", instance);
        raw(",\"partition\":");
        number(s.partition());
        raw(",\"offset\":");
        number(s.offset());
        raw(",\"brokerTime\":");
        number(s.brokerTime());
        raw(",\"durationMs\":");
        number(s.durationMs());
        byte[] tp = s.traceparentBytes();
        if (tp != null) {
            raw(",\"traceparent\":");
            ascii(tp);
        }
        put((byte) '}');
    }

    /** A JSON string of bytes known to be printable ASCII without quotes or backslashes (ids, traceparents). */
    private void ascii(byte[] b) {
        ensure(b.length + 2);
        buf[len++] = '"';
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        buf[len++] = '"';
    }

    private void object(Timepoint t) {
        raw("{\"messageId\":");
        string(t.messageId());
        text("kind", t.kind());
        raw(",\"time\":");
        number(t.time());
        text("topic", t.topic());
        text("type", t.type());
        text("key", t.key());
        text("app", t.app());
        text("group", t.group());
        text("instance", t.instance());
        if (t.partition() != null) {
            raw(",\"partition\":");
            number(t.partition());
        }
        number("offset", t.offset());
        number("brokerTime", t.brokerTime());
        number("durationMs", t.durationMs());
        if (t.attempt() != null) {
            raw(",\"attempt\":");
            number(t.attempt());
        }
        text("error", t.error());
        text("traceparent", t.traceparent());
        text("replayJob", t.replayJob());
        put((byte) '}');
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    /** ASCII without escaping (names and punctuation). */
    private void raw(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void number(String name, Long value) {
        if (value != null) {
            put((byte) ',');
            put((byte) '"');
            raw(name);
            put((byte) '"');
            put((byte) ':');
            number(value);
        }
    }

    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            raw(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte tmp = buf[i];
            buf[i] = buf[j];
            buf[j] = tmp;
        }
    }

    private void text(String name, String value) {
        if (value != null) {
            put((byte) ',');
            put((byte) '"');
            raw(name);
            put((byte) '"');
            put((byte) ':');
            string(value);
        }
    }

    private void string(String s) {
        if (s == null) {
            raw("null");
            return;
        }
        int n = s.length();
        ensure(n * 3 + 2);
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[len++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2 + (n - i) * 3);
                buf[len++] = '\\';
                buf[len++] = (byte) c;
            } else if (c < 0x20) {
                ensure(6 + (n - i) * 3);
                buf[len++] = '\\';
                switch (c) {
                    case '\n' -> buf[len++] = 'n';
                    case '\r' -> buf[len++] = 'r';
                    case '\t' -> buf[len++] = 't';
                    case '\b' -> buf[len++] = 'b';
                    case '\f' -> buf[len++] = 'f';
                    default -> {
                        buf[len++] = 'u';
                        buf[len++] = '0';
                        buf[len++] = '0';
                        buf[len++] = HEX[c >> 4];
                        buf[len++] = HEX[c & 0xF];
                    }
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4 + (n - i) * 3);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                char e = Character.isSurrogate(c) ? '?' : c; // a lone surrogate has no UTF-8 form
                buf[len++] = (byte) (0xE0 | (e >> 12));
                buf[len++] = (byte) (0x80 | ((e >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (e & 0x3F));
            }
        }
        buf[len++] = '"';
    }
}
