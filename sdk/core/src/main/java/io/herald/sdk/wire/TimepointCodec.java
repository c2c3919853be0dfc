package io.herald.sdk.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of a {@code herald.trace} record: many {@link Timepoint}s in one value,
 * about 45 bytes each instead of 350 as JSON, so that tracing every message costs its sender and
 * its consumers little beside the message itself. The trace store reads this form and JSON (a
 * {@link Timepoint} object or an array of them), so other clients may keep writing JSON.
 *
 * <pre>
 * value   = 0x00 'H' 'T' version(=1) entry*
 * entry   = kind:u8 messageId:str time:zigzag(time - previous entry's time) mask:varint field*
 * kind    = 1 SENT 2 RECEIVED 3 HANDLED 4 FAILED 5 RETRIED 6 DEAD_LETTERED 7 REPLAYED, 0 = a str follows
 * fields, in mask bit order, present when their bit is set:
 *   0 topic:str 1 type:str 2 key:str 3 app:str 4 group:str 5 instance:str 6 partition:varint
 *   7 offset:zigzag(offset - previous entry's offset) 8 brokerTime:zigzag(brokerTime - time)
 *   9 durationMs:zigzag 10 attempt:varint 11 error:str 12 traceparent:str 13 replayJob:str
 *   14 receivedAt:zigzag(receivedAt - time)
 * str     = varint tag, by its two low bits:
 *   0 a literal of (tag &gt;&gt; 2) UTF-8 bytes, which also becomes the next entry of the record's string table
 *   1 the string table's entry (tag &gt;&gt; 2)
 *   2 a UUID in 16 bytes, written out as 8-4-4-4-12 lower-case hex
 *   3 (traceparent only) 8 bytes of span id and 1 byte of flags, of a trace whose id is the
 *     entry's message id (a UUID) without its dashes: 00-&lt;32 hex&gt;-&lt;16 hex&gt;-&lt;2 hex&gt;
 * varint  = unsigned LEB128 (7 bits a byte, low first); zigzag = a signed varint as in protobuf
 * </pre>
 *
 * A HANDLED timepoint with {@code receivedAt} stands for two steps, RECEIVED at that time then
 * HANDLED (see {@link Timepoint#steps()}).
 */
public final class TimepointCodec {

    public static final int VERSION = 1;
    public static final String[] KINDS = {null, Timepoint.SENT, Timepoint.RECEIVED, Timepoint.HANDLED, Timepoint.FAILED,
        Timepoint.RETRIED, Timepoint.DEAD_LETTERED, Timepoint.REPLAYED};

    public static final int TOPIC = 1;
    public static final int TYPE = 1 << 1;
    public static final int KEY = 1 << 2;
    public static final int APP = 1 << 3;
    public static final int GROUP = 1 << 4;
    public static final int INSTANCE = 1 << 5;
    public static final int PARTITION = 1 << 6;
    public static final int OFFSET = 1 << 7;
    public static final int BROKER_TIME = 1 << 8;
    public static final int DURATION = 1 << 9;
    public static final int ATTEMPT = 1 << 10;
    public static final int ERROR = 1 << 11;
    public static final int TRACEPARENT = 1 << 12;
    public static final int REPLAY_JOB = 1 << 13;
    public static final int RECEIVED_AT = 1 << 14;

    public static final int STR_LITERAL = 0;
    public static final int STR_REF = 1;
    public static final int STR_UUID = 2;
    public static final int STR_TRACEPARENT_OF_ID = 3;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TimepointCodec() {
    }

    /** Whether {@code value} is in this form (else it is JSON). */
    public static boolean isBinary(byte[] value) {
        return value != null && value.length >= 4 && value[0] == 0 && value[1] == 'H' && value[2] == 'T';
    }

    /** The kind's code, or 0 for a kind this version does not know. */
    public static int kindCode(String kind) {
        for (int i = 1; i < KINDS.length; i++) {
            if (KINDS[i] == kind) { // recorders pass the Timepoint constants: no compare for them
                return i;
            }
        }
        for (int i = 1; i < KINDS.length; i++) {
            if (KINDS[i].equals(kind)) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The timepoints of a binary record, in order.
     *
     * @throws IllegalArgumentException when the record is cut short, malformed, or of a later version
     */
    public static List<Timepoint> decode(byte[] value) {
        if (!isBinary(value)) {
            throw new IllegalArgumentException("not a binary timepoint record");
        }
        if (value[3] != VERSION) {
            throw new IllegalArgumentException("timepoint record version " + value[3] + " (this reader knows " + VERSION + ")");
        }
        Reader in = new Reader(value, 4);
        List<Timepoint> out = new ArrayList<>();
        long time = 0;
        long offset = 0;
        while (in.pos < value.length) {
            int code = in.u8();
            String kind = code == 0 ? in.str(null) : code < KINDS.length ? KINDS[code] : null;
            if (kind == null) {
                throw new IllegalArgumentException("unknown timepoint kind " + code);
            }
            String id = in.str(null);
            time += in.zigzag();
            long mask = in.varint();
            String topic = (mask & TOPIC) != 0 ? in.str(null) : null;
            String type = (mask & TYPE) != 0 ? in.str(null) : null;
            String key = (mask & KEY) != 0 ? in.str(null) : null;
            String app = (mask & APP) != 0 ? in.str(null) : null;
            String group = (mask & GROUP) != 0 ? in.str(null) : null;
            String instance = (mask & INSTANCE) != 0 ? in.str(null) : null;
            Integer partition = (mask & PARTITION) != 0 ? (int) in.varint() : null;
            Long off = null;
            if ((mask & OFFSET) != 0) {
                offset += in.zigzag();
                off = offset;
            }
            Long brokerTime = (mask & BROKER_TIME) != 0 ? time + in.zigzag() : null;
            Long duration = (mask & DURATION) != 0 ? in.zigzag() : null;
            Integer attempt = (mask & ATTEMPT) != 0 ? (int) in.varint() : null;
            String error = (mask & ERROR) != 0 ? in.str(null) : null;
            String traceparent = (mask & TRACEPARENT) != 0 ? in.str(id) : null;
            String replayJob = (mask & REPLAY_JOB) != 0 ? in.str(null) : null;
            Long receivedAt = (mask & RECEIVED_AT) != 0 ? time + in.zigzag() : null;
            out.add(new Timepoint(id, kind, time, topic, type, key, app, group, instance, partition, off, brokerTime, duration,
                    attempt, error, traceparent, replayJob, receivedAt));
        }
        return out;
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final List<String> table = new ArrayList<>();

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int u8() {
            need(1);
            return b[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long at byte " + pos);
        }

        long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        /** A str; {@code id} is the entry's message id, for a traceparent derived from it. */
        String str(String id) {
            long tag = varint();
            long n = tag >>> 2;
            switch ((int) (tag & 3)) {
                case STR_LITERAL -> {
                    if (n > b.length - pos) {
                        throw new IllegalArgumentException("string of " + n + " bytes past the end at byte " + pos);
                    }
                    String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
                    pos += (int) n;
                    table.add(s);
                    return s;
                }
                case STR_REF -> {
                    if (n >= table.size()) {
                        throw new IllegalArgumentException("string reference " + n + " of " + table.size() + " at byte " + pos);
                    }
                    return table.get((int) n);
                }
                case STR_UUID -> {
                    need(16);
                    char[] c = new char[36];
                    int k = 0;
                    for (int i = 0; i < 16; i++) {
                        if (i == 4 || i == 6 || i == 8 || i == 10) {
                            c[k++] = '-';
                        }
                        int x = b[pos++] & 0xFF;
                        c[k++] = HEX[x >> 4];
                        c[k++] = HEX[x & 0xF];
                    }
                    return new String(c);
                }
                default -> {
                    if (id == null || id.length() != 36) {
                        throw new IllegalArgumentException("a traceparent derived from a message id that is not a UUID");
                    }
                    need(9);
                    char[] c = new char[55];
                    c[0] = '0';
                    c[1] = '0';
                    c[2] = '-';
                    int k = 3;
                    for (int i = 0; i < 36; i++) {
                        char ch = id.charAt(i);
                        if (ch != '-') {
                            c[k++] = ch;
                        }
                    }
                    c[35] = '-';
                    k = 36;
                    for (int i = 0; i < 8; i++) {
                        int x = b[pos++] & 0xFF;
                        c[k++] = HEX[x >> 4];
                        c[k++] = HEX[x & 0xF];
                    }
                    c[52] = '-';
                    int flags = b[pos++] & 0xFF;
                    c[53] = HEX[flags >> 4];
                    c[54] = HEX[flags & 0xF];
                    return new String(c);
                }
            }
        }

        private void need(int n) {
            if (pos + n > b.length) {
                throw new IllegalArgumentException("record cut short at byte " + pos);
            }
        }
    }
}
