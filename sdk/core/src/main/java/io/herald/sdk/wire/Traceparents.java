package io.herald.sdk.wire;

import java.util.Locale;

/**
 * Herald's one reader of W3C trace context headers ({@code traceparent}, version 00:
 * {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}), used by the SDK's sender and
 * listeners and by the server's trace store alike. A traceparent may be held as a String, as the
 * ASCII bytes of a header, or in place in a consumed Kafka header; {@link CharAt} reads any of them
 * without copying.
 *
 * @see <a href="https://www.w3.org/TR/trace-context/#traceparent-header">W3C Trace Context: traceparent</a>
 */
public final class Traceparents {

    /** The length of a version-00 traceparent. */
    public static final int LENGTH = 55;

    private static final int TRACE_ID = 3;
    private static final int SPAN_ID = 36;
    private static final int FLAGS = 53;
    private static final int TRACE_ID_LENGTH = 32;

    /**
     * Reads the character at {@code index} of a traceparent held as {@code T}.
     *
     * @param <T> how the traceparent is held
     */
    @FunctionalInterface
    public interface CharAt<T> {

        /**
         * The character at {@code index}.
         *
         * @param source the traceparent
         * @param index  an index below the traceparent's length
         * @return the character (an ASCII byte's value for bytes)
         */
        int at(T source, int index);
    }

    private static final CharAt<CharSequence> CHARS = CharSequence::charAt;
    private static final CharAt<byte[]> BYTES = (b, i) -> b[i];

    private Traceparents() {
    }

    /**
     * Whether {@code value} is a W3C traceparent of version 00 exactly: 55 characters, lower-case
     * hex fields, dashes between them, and not the forbidden version {@code ff}.
     *
     * @param value the text, or {@code null}
     * @return whether it is a traceparent Herald may put on a message
     */
    public static boolean isValid(String value) {
        if (value == null || value.length() != LENGTH || !dashes(value, CHARS)) {
            return false;
        }
        return lowerHex(value, 0, TRACE_ID - 1) && lowerHex(value, TRACE_ID, SPAN_ID - 1) && lowerHex(value, SPAN_ID, FLAGS - 1)
               && lowerHex(value, FLAGS, LENGTH) && !(value.charAt(0) == 'f' && value.charAt(1) == 'f');
    }

    /**
     * The sampled flag of a traceparent (the lowest bit of its flags), or {@code null} when it does
     * not have a traceparent's layout (at least 55 characters with dashes where version 00 has them).
     *
     * @param tp the traceparent's ASCII bytes, or {@code null}
     * @return the flag, or {@code null}
     */
    public static Boolean sampledFlag(byte[] tp) {
        return tp == null ? null : sampledFlag(tp, tp.length, BYTES);
    }

    /**
     * {@link #sampledFlag(byte[])} of a traceparent already decoded.
     *
     * @param tp the traceparent, or {@code null}
     * @return the flag, or {@code null}
     */
    public static Boolean sampledFlag(CharSequence tp) {
        return tp == null ? null : sampledFlag(tp, tp.length(), CHARS);
    }

    /**
     * {@link #sampledFlag(byte[])} of a traceparent held in any form, read in place.
     *
     * @param tp     the traceparent
     * @param length its length in characters
     * @param at     how to read one of its characters
     * @param <T>    how the traceparent is held
     * @return the flag, or {@code null}
     */
    public static <T> Boolean sampledFlag(T tp, int length, CharAt<T> at) {
        if (length < LENGTH || !dashes(tp, at)) {
            return null;
        }
        int digit = Character.digit(at.at(tp, LENGTH - 1), 16);
        return digit < 0 ? null : (digit & 1) == 1;
    }

    /**
     * The 32-hex trace id of a traceparent, or of a bare trace id, in lower case; {@code null} for
     * anything else. Lenient, as a search by trace is: surrounding white space, upper-case hex, any
     * version and what a later version may append after the flags (on one line) are accepted.
     *
     * @param traceparentOrId a traceparent or a trace id, or {@code null}
     * @return the trace id, or {@code null}
     */
    public static String traceId(String traceparentOrId) {
        if (traceparentOrId == null) {
            return null;
        }
        String s = traceparentOrId.strip().toLowerCase(Locale.ROOT);
        if (s.length() == TRACE_ID_LENGTH) {
            return lowerHex(s, 0, TRACE_ID_LENGTH) ? s : null;
        }
        if (s.length() < LENGTH || !dashes(s, CHARS) || !lowerHex(s, 0, TRACE_ID - 1) || !lowerHex(s, TRACE_ID, SPAN_ID - 1)
            || !lowerHex(s, SPAN_ID, FLAGS - 1) || !lowerHex(s, FLAGS, LENGTH)) {
            return null;
        }
        for (int i = LENGTH; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return null; // what follows the flags stays on the header's line
            }
        }
        return s.substring(TRACE_ID, TRACE_ID + TRACE_ID_LENGTH);
    }

    /** Dashes after the version, the trace id and the span id (the length was checked). */
    private static <T> boolean dashes(T tp, CharAt<T> at) {
        return at.at(tp, TRACE_ID - 1) == '-' && at.at(tp, SPAN_ID - 1) == '-' && at.at(tp, FLAGS - 1) == '-';
    }

    private static boolean lowerHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = value.charAt(i);
            if ((c - '0' & 0xFFFF) > 9 && (c - 'a' & 0xFFFF) > 5) {
                return false;
            }
        }
        return true;
    }
}
