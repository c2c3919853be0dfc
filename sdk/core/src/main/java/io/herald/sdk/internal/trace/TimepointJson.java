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
        topic.write(this, s.topic());
        type.write(this, s.type());
        text("key", s.key());
        this.app.write(this, app);
        this.instance.write(this, instance);
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
        String id = t.messageId();
        if (id != null && id == lastId) {
            // a consumer records RECEIVED and HANDLED of one record one after the other
            ensure(lastIdJson.length);
            System.arraycopy(lastIdJson, 0, buf, len, lastIdJson.length);
            len += lastIdJson.length;
        } else {
            int start = len;
            string(id);
            lastId = id;
            lastIdJson = Arrays.copyOfRange(buf, start, len);
        }
        text("kind", t.kind());
        raw(",\"time\":");
        number(t.time());
        topic.write(this, t.topic());
        type.write(this, t.type());
        key.write(this, t.key());
        app.write(this, t.app());
        group.write(this, t.group());
        instance.write(this, t.instance());
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
        traceparent.write(this, t.traceparent());
        text("replayJob", t.replayJob());
        put((byte) '}');
    }

    /**
     * A field whose value repeats from one timepoint to the next (topic, type, app, group,
     * instance: the same String objects, from the catalog and the client's settings; key and
     * traceparent: a consumer's RECEIVED and HANDLED of one record): its JSON
     * ({@code ,"name":"value"}) is written once and copied while the value stays the same object.
     */
    private static final class RepeatedField {
        private final String name;
        private String last;
        private byte[] json;

        RepeatedField(String name) {
            this.name = name;
        }

        void write(TimepointJson out, String value) {
            if (value == null) {
                return;
            }
            if (value != last) {
                int start = out.len;
                out.text(name, value);
                json = Arrays.copyOfRange(out.buf, start, out.len);
                last = value;
                return;
            }
            out.ensure(json.length);
            System.arraycopy(json, 0, out.buf, out.len, json.length);
            out.len += json.length;
        }
    }

    private final RepeatedField topic = new RepeatedField("topic");
    private final RepeatedField type = new RepeatedField("type");
    private final RepeatedField app = new RepeatedField("app");
    private final RepeatedField group = new RepeatedField("group");
    private final RepeatedField instance = new RepeatedField("instance");
    private final RepeatedField key = new RepeatedField("key");
    private final RepeatedField traceparent = new RepeatedField("traceparent");
    private String lastId;
    private byte[] lastIdJson;

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

    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /** Decimal digits, two at a time and in int arithmetic where the value allows (epoch millis, offsets). */
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
        if (v < 100_000_000L) {
            digits((int) v);
            return;
        }
        long high = v / 100_000_000L;
        int low = (int) (v - high * 100_000_000L);
        if (high < 100_000_000L) {
            digits((int) high);
        } else {
            long top = high / 100_000_000L;
            digits((int) top);
            eight((int) (high - top * 100_000_000L));
        }
        eight(low);
    }

    /** {@code v} (0 to 99,999,999) without leading zeros. */
    private void digits(int v) {
        int n = v < 10 ? 1 : v < 100 ? 2 : v < 1_000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5 : v < 1_000_000 ? 6
                : v < 10_000_000 ? 7 : 8;
        int end = len + n;
        int i = end;
        while (v >= 100) {
            int q = v / 100;
            int r = (v - q * 100) * 2;
            buf[--i] = DIGIT_PAIRS[r + 1];
            buf[--i] = DIGIT_PAIRS[r];
            v = q;
        }
        if (v >= 10) {
            buf[--i] = DIGIT_PAIRS[v * 2 + 1];
            buf[--i] = DIGIT_PAIRS[v * 2];
        } else {
            buf[--i] = (byte) ('0' + v);
        }
        len = end;
    }

    /** {@code v} (0 to 99,999,999) as exactly eight digits. */
    private void eight(int v) {
        int i = len + 8;
        for (int k = 0; k < 4; k++) {
            int q = v / 100;
            int r = (v - q * 100) * 2;
            buf[--i] = DIGIT_PAIRS[r + 1];
            buf[--i] = DIGIT_PAIRS[r];
            v = q;
        }
        len += 8;
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
