package io.herald.sdk.internal.codec;

import io.herald.sdk.wire.HeraldHeaders;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.LoggerFactory;

/**
 * Looks at a consumed header's name and value without decoding them. Kafka's {@link RecordHeader}
 * of a fetched record keeps both as slices of the fetched bytes and turns them into a String and a
 * byte[] on first use, each under the header's lock: for the two headers a listener reads of every
 * record (ce_type, traceparent) that was about a sixth of a raw poll loop's CPU. Herald compares
 * the bytes where they are instead. When this kafka-clients has no such fields (or has decoded
 * them already), the header's own {@code key()} and {@code value()} answer: slower, never wrong.
 */
public final class HeaderPeek {

    private static final VarHandle KEY_BUFFER = field("keyBuffer");
    private static final VarHandle VALUE_BUFFER = field("valueBuffer");

    private HeaderPeek() {
    }

    private static VarHandle field(String name) {
        try {
            return MethodHandles.privateLookupIn(RecordHeader.class, MethodHandles.lookup())
                    .findVarHandle(RecordHeader.class, name, ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(HeaderPeek.class).debug("Reading header {} through key()/value(): {}", name, e.toString());
            return null;
        }
    }

    /** Whether headers are read in place (false: through {@code key()} and {@code value()}). */
    public static boolean inPlace() {
        return KEY_BUFFER != null && VALUE_BUFFER != null;
    }

    /** {@link #which}: a name the listener does not look for. */
    public static final int OTHER = 0;
    public static final int CE_TYPE = 1;
    public static final int TRACEPARENT = 2;
    public static final int CE_ID = 3;
    public static final int EXPIRES_AT = 4;
    public static final int REPLAY_JOB = 5;
    public static final int TRACE_SAMPLED = 6;

    /**
     * Which of the names a listener looks for the header has ({@link #CE_TYPE}, {@link #TRACEPARENT},
     * {@link #CE_ID}, {@link #EXPIRES_AT}, {@link #REPLAY_JOB}, {@link #TRACE_SAMPLED}), else
     * {@link #OTHER}: the name's length picks the one candidate, whose bytes are then compared in
     * place. One pass over a record's headers with this finds all of them without decoding any.
     */
    public static int which(Header h) {
        ByteBuffer b = KEY_BUFFER != null && h instanceof RecordHeader ? (ByteBuffer) KEY_BUFFER.get(h) : null;
        if (b == null) {
            return whichDecoded(h.key());
        }
        return switch (b.remaining()) {
            case 7 -> is(b, HeraldHeaders.CE_TYPE) ? CE_TYPE : OTHER;
            case 11 -> is(b, HeraldHeaders.TRACEPARENT) ? TRACEPARENT : OTHER;
            case 5 -> is(b, HeraldHeaders.CE_ID) ? CE_ID : OTHER;
            case 17 -> is(b, HeraldHeaders.EXPIRES_AT) ? EXPIRES_AT : is(b, HeraldHeaders.REPLAY_JOB) ? REPLAY_JOB : OTHER;
            case 20 -> is(b, HeraldHeaders.TRACE_SAMPLED) ? TRACE_SAMPLED : OTHER;
            default -> OTHER;
        };
    }

    private static int whichDecoded(String name) {
        return switch (name) {
            case HeraldHeaders.CE_TYPE -> CE_TYPE;
            case HeraldHeaders.TRACEPARENT -> TRACEPARENT;
            case HeraldHeaders.CE_ID -> CE_ID;
            case HeraldHeaders.EXPIRES_AT -> EXPIRES_AT;
            case HeraldHeaders.REPLAY_JOB -> REPLAY_JOB;
            case HeraldHeaders.TRACE_SAMPLED -> TRACE_SAMPLED;
            default -> OTHER;
        };
    }

    /** {@code b} holds exactly {@code name}'s length (checked by the caller). */
    private static boolean is(ByteBuffer b, String name) {
        int p = b.position();
        for (int i = name.length() - 1; i >= 0; i--) { // from the end: Herald's names share their first letters
            if (b.get(p + i) != (byte) name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether this header's name and value are still the fetched bytes, read in place (a header
     * Kafka's fetcher made and nobody decoded yet). For the test that fails when a kafka-clients
     * upgrade changes how fetched headers are made.
     */
    public static boolean isInPlace(Header h) {
        return KEY_BUFFER != null && VALUE_BUFFER != null && h instanceof RecordHeader && KEY_BUFFER.get(h) != null
               && VALUE_BUFFER.getVolatile(h) != null;
    }

    /** Whether the header's name is {@code name} (ASCII). */
    public static boolean nameIs(Header h, String name) {
        ByteBuffer b = KEY_BUFFER != null && h instanceof RecordHeader ? (ByteBuffer) KEY_BUFFER.get(h) : null;
        if (b == null) {
            return name.equals(h.key());
        }
        int n = name.length();
        if (b.remaining() != n) {
            return false;
        }
        int p = b.position();
        for (int i = n - 1; i >= 0; i--) { // from the end: Herald's names share their first letters
            if (b.get(p + i) != (byte) name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the header's value is {@code bytes}. */
    public static boolean valueIs(Header h, byte[] bytes) {
        ByteBuffer b = valueBuffer(h);
        if (b == null) {
            return Arrays.equals(h.value(), bytes);
        }
        int n = bytes.length;
        if (b.remaining() != n) {
            return false;
        }
        int p = b.position();
        for (int i = 0; i < n; i++) {
            if (b.get(p + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** The value's length, or -1 for a null value. */
    public static int valueLength(Header h) {
        ByteBuffer b = valueBuffer(h);
        if (b != null) {
            return b.remaining();
        }
        byte[] v = h.value();
        return v == null ? -1 : v.length;
    }

    /** The value's byte at {@code index} (within {@link #valueLength}). */
    public static byte valueAt(Header h, int index) {
        ByteBuffer b = valueBuffer(h);
        return b != null ? b.get(b.position() + index) : h.value()[index];
    }

    private static ByteBuffer valueBuffer(Header h) {
        return VALUE_BUFFER != null && h instanceof RecordHeader ? (ByteBuffer) VALUE_BUFFER.getVolatile(h) : null;
    }
}
