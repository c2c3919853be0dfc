package io.herald.sdk.internal.trace;

import static io.herald.sdk.wire.TimepointCodec.APP;
import static io.herald.sdk.wire.TimepointCodec.ATTEMPT;
import static io.herald.sdk.wire.TimepointCodec.BROKER_TIME;
import static io.herald.sdk.wire.TimepointCodec.DURATION;
import static io.herald.sdk.wire.TimepointCodec.ERROR;
import static io.herald.sdk.wire.TimepointCodec.GROUP;
import static io.herald.sdk.wire.TimepointCodec.INSTANCE;
import static io.herald.sdk.wire.TimepointCodec.KEY;
import static io.herald.sdk.wire.TimepointCodec.OFFSET;
import static io.herald.sdk.wire.TimepointCodec.PARTITION;
import static io.herald.sdk.wire.TimepointCodec.RECEIVED_AT;
import static io.herald.sdk.wire.TimepointCodec.REPLAY_JOB;
import static io.herald.sdk.wire.TimepointCodec.STR_LITERAL;
import static io.herald.sdk.wire.TimepointCodec.STR_REF;
import static io.herald.sdk.wire.TimepointCodec.STR_TRACEPARENT_OF_ID;
import static io.herald.sdk.wire.TimepointCodec.STR_UUID;
import static io.herald.sdk.wire.TimepointCodec.TOPIC;
import static io.herald.sdk.wire.TimepointCodec.TRACEPARENT;
import static io.herald.sdk.wire.TimepointCodec.TYPE;

import io.herald.sdk.wire.Timepoint;
import io.herald.sdk.wire.TimepointCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Writes timepoints into one {@link TimepointCodec binary} {@code herald.trace} record, in one
 * reused buffer: {@link SentTimepoint}s and {@link ConsumedTimepoint}s straight from the bytes
 * their recorders kept, {@link Timepoint}s from their Strings. Not thread-safe: one per shipper.
 */
public final class TimepointWriter {

    private byte[] buf = new byte[8192];
    private int len;
    /** Strings written as literals in this record (topic, type, app, ...), by their table index. */
    private final HashMap<String, Integer> table = new HashMap<>();
    private int tableSize;
    private long lastTime;
    private long lastOffset;

    /**
     * One binary record of {@code timepoints}, as an SDK ships them (the encoding side of
     * {@link TimepointCodec#decode}; it lives here, with the shipper's writer, so that the wire package
     * needs nothing of the SDK's internals).
     */
    public static byte[] encode(List<Timepoint> timepoints) {
        TimepointWriter writer = new TimepointWriter();
        writer.begin();
        for (Timepoint t : timepoints) {
            writer.add(t, null, null);
        }
        return writer.finish();
    }

    /** Starts a record. */
    public void begin() {
        len = 0;
        put((byte) 0);
        put((byte) 'H');
        put((byte) 'T');
        put((byte) TimepointCodec.VERSION);
        table.clear();
        tableSize = 0;
        java.util.Arrays.fill(recent, null);
        lastTime = 0;
        lastOffset = 0;
    }

    /** Bytes written to the current record so far. */
    public int length() {
        return len;
    }

    /** The record started by {@link #begin}. */
    public byte[] finish() {
        return Arrays.copyOf(buf, len);
    }

    /** Appends a {@link Timepoint}, {@link SentTimepoint} or {@link ConsumedTimepoint} recorded by {@code app}'s {@code instance}. */
    public void add(Object item, String app, String instance) {
        if (item instanceof SentTimepoint s) {
            sent(s, app, instance);
        } else if (item instanceof ConsumedTimepoint c) {
            consumed(c, app, instance);
        } else {
            timepoint((Timepoint) item);
        }
    }

    private void sent(SentTimepoint s, String app, String instance) {
        byte[] id = s.messageIdBytes();
        start(Timepoint.SENT, id, null, s.ackedAt());
        byte[] tp = s.traceparentBytes();
        String key = s.key();
        int mask = TOPIC | TYPE | APP | INSTANCE | PARTITION | OFFSET | BROKER_TIME | DURATION
                   | (key != null ? KEY : 0) | (tp != null ? TRACEPARENT : 0);
        varint(mask);
        str(s.topic());
        str(s.type());
        if (key != null) {
            literal(key.getBytes(StandardCharsets.UTF_8));
        }
        str(app);
        str(instance);
        varint(s.partition());
        offset(s.offset());
        zigzag(s.brokerTime() - lastTime);
        zigzag(s.durationMs());
        if (tp != null) {
            traceparent(tp, id);
        }
    }

    private void consumed(ConsumedTimepoint c, String app, String instance) {
        start(c.kind, c.messageId, c.messageIdText, c.time);
        int mask = TOPIC | TYPE | APP | GROUP | INSTANCE | PARTITION | OFFSET
                   | (c.key != null ? KEY : 0) | (c.brokerTime >= 0 ? BROKER_TIME : 0) | (c.durationMs >= 0 ? DURATION : 0)
                   | (c.attempt > 0 ? ATTEMPT : 0) | (c.error != null ? ERROR : 0) | (c.traceparent != null ? TRACEPARENT : 0)
                   | (c.replayJob != null ? REPLAY_JOB : 0) | (c.receivedAt > 0 ? RECEIVED_AT : 0);
        varint(mask);
        str(c.topic);
        str(c.type);
        if (c.key != null) {
            literal(c.key);
        }
        str(app);
        str(c.group);
        str(instance);
        varint(c.partition);
        offset(c.offset);
        if (c.brokerTime >= 0) {
            zigzag(c.brokerTime - lastTime);
        }
        if (c.durationMs >= 0) {
            zigzag(c.durationMs);
        }
        if (c.attempt > 0) {
            varint(c.attempt);
        }
        if (c.error != null) {
            str(c.error);
        }
        if (c.traceparent != null) {
            traceparent(c.traceparent, c.messageId);
        }
        if (c.replayJob != null) {
            literal(c.replayJob);
        }
        if (c.receivedAt > 0) {
            zigzag(c.receivedAt - lastTime);
        }
    }

    private void timepoint(Timepoint t) {
        byte[] id = t.messageId() == null ? new byte[0] : t.messageId().getBytes(StandardCharsets.UTF_8);
        start(t.kind(), id, null, t.time());
        int mask = (t.topic() != null ? TOPIC : 0) | (t.type() != null ? TYPE : 0) | (t.key() != null ? KEY : 0)
                   | (t.app() != null ? APP : 0) | (t.group() != null ? GROUP : 0) | (t.instance() != null ? INSTANCE : 0)
                   | (t.partition() != null ? PARTITION : 0) | (t.offset() != null ? OFFSET : 0)
                   | (t.brokerTime() != null ? BROKER_TIME : 0) | (t.durationMs() != null ? DURATION : 0)
                   | (t.attempt() != null ? ATTEMPT : 0) | (t.error() != null ? ERROR : 0)
                   | (t.traceparent() != null ? TRACEPARENT : 0) | (t.replayJob() != null ? REPLAY_JOB : 0)
                   | (t.receivedAt() != null ? RECEIVED_AT : 0);
        varint(mask);
        str(t.topic());
        str(t.type());
        if (t.key() != null) {
            literal(t.key().getBytes(StandardCharsets.UTF_8));
        }
        str(t.app());
        str(t.group());
        str(t.instance());
        if (t.partition() != null) {
            varint(t.partition());
        }
        if (t.offset() != null) {
            offset(t.offset());
        }
        if (t.brokerTime() != null) {
            zigzag(t.brokerTime() - lastTime);
        }
        if (t.durationMs() != null) {
            zigzag(t.durationMs());
        }
        if (t.attempt() != null) {
            varint(t.attempt());
        }
        str(t.error());
        if (t.traceparent() != null) {
            traceparent(t.traceparent().getBytes(StandardCharsets.UTF_8), id);
        }
        if (t.replayJob() != null) {
            literal(t.replayJob().getBytes(StandardCharsets.UTF_8));
        }
        if (t.receivedAt() != null) {
            zigzag(t.receivedAt() - lastTime);
        }
    }

    /** Kind, message id and time: what every entry starts with. */
    private void start(String kind, byte[] id, String idText, long time) {
        int code = TimepointCodec.kindCode(kind);
        put((byte) code);
        if (code == 0) {
            str(kind == null ? "" : kind);
        }
        idIsUuid = false;
        if (id != null) {
            ensure(17);
            buf[len] = (byte) STR_UUID;
            if (uuidBytes(id, buf, len + 1)) {
                System.arraycopy(buf, len + 1, idBytes, 0, 16);
                len += 17;
                idIsUuid = true;
            } else {
                literal(id);
            }
        } else {
            literal(idText.getBytes(StandardCharsets.UTF_8));
        }
        zigzag(time - lastTime);
        lastTime = time;
    }

    private void offset(long offset) {
        zigzag(offset - lastOffset);
        lastOffset = offset;
    }

    /** Whether the current entry's message id is a UUID, and its 16 bytes. */
    private boolean idIsUuid;
    private final byte[] idBytes = new byte[16];
    private final byte[] scratch = new byte[25];

    /** A traceparent: 9 bytes when its trace id is the message id (a message that started its trace), else a literal. */
    private void traceparent(byte[] tp, byte[] id) {
        if (idIsUuid && tp.length == 55 && tp[0] == '0' && tp[1] == '0' && tp[2] == '-' && tp[35] == '-' && tp[52] == '-'
            && hex(tp, 3, 35, scratch, 0) && hex(tp, 36, 52, scratch, 16) && hex(tp, 53, 55, scratch, 24)
            && Arrays.equals(scratch, 0, 16, idBytes, 0, 16)) {
            ensure(10);
            buf[len++] = (byte) STR_TRACEPARENT_OF_ID;
            System.arraycopy(scratch, 16, buf, len, 9);
            len += 9;
            return;
        }
        literal(tp);
    }

    /** Lower-case hex digits' values; -1 for any other byte. */
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        Arrays.fill(HEX_VALUE, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX_VALUE['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX_VALUE['a' + i] = (byte) (10 + i);
        }
    }

    /** Decodes lower-case hex {@code b[from, to)} into {@code out} from {@code at}; false if any byte is not one. */
    private static boolean hex(byte[] b, int from, int to, byte[] out, int at) {
        int bad = 0;
        for (int i = from; i < to; i += 2) {
            int hi = HEX_VALUE[b[i] & 0xFF];
            int lo = HEX_VALUE[b[i + 1] & 0xFF];
            bad |= hi | lo;
            out[at++] = (byte) (hi << 4 | lo);
        }
        return bad >= 0;
    }

    /** An 8-4-4-4-12 lower-case hex id as 16 bytes into {@code out} from {@code at}; false if it is not one. */
    static boolean uuidBytes(byte[] id, byte[] out, int at) {
        return id.length == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-'
               && hex(id, 0, 8, out, at) && hex(id, 9, 13, out, at + 4) && hex(id, 14, 18, out, at + 6)
               && hex(id, 19, 23, out, at + 8) && hex(id, 24, 36, out, at + 10);
    }

    /** A string that may repeat in the record: a table reference after its first time. */
    private void str(String s) {
        if (s == null) {
            return;
        }
        // the same String objects come back entry after entry (topic, type, app, group, instance):
        // a look at the last few by identity spares the hash look-up
        for (int i = 0; i < RECENT; i++) {
            if (recent[i] == s) {
                varint((long) recentIndex[i] << 2 | STR_REF);
                return;
            }
        }
        Integer index = table.get(s);
        if (index != null) {
            remember(s, index);
            varint((long) index << 2 | STR_REF);
            return;
        }
        remember(s, tableSize);
        table.put(s, tableSize);
        literal(s.getBytes(StandardCharsets.UTF_8));
    }

    private static final int RECENT = 6;
    private final String[] recent = new String[RECENT];
    private final int[] recentIndex = new int[RECENT];
    private int recentNext;

    private void remember(String s, int index) {
        recent[recentNext] = s;
        recentIndex[recentNext] = index;
        recentNext = (recentNext + 1) % RECENT;
    }

    /** Bytes as a literal (which takes the next table index, as the reader counts). */
    private void literal(byte[] b) {
        varint((long) b.length << 2 | STR_LITERAL);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        tableSize++;
    }

    private void zigzag(long v) {
        varint(v << 1 ^ v >> 63);
    }

    private void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
