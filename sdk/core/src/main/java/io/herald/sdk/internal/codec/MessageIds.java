package io.herald.sdk.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids in the UUID version 7 layout (time-ordered, RFC 9562) drawn from
 * {@link ThreadLocalRandom}: {@code UUID.randomUUID()} goes through {@code SecureRandom}, which
 * costs more than a whole Kafka send on the hot path. Ids need to be unique, not unguessable.
 */
public final class MessageIds {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private MessageIds() {
    }

    /** A new id as 36 ASCII bytes (8-4-4-4-12 hex). */
    public static byte[] next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        byte[] out = new byte[36];
        hex(msb >>> 32, out, 0, 8);
        out[8] = '-';
        hex(msb >>> 16, out, 9, 4);
        out[13] = '-';
        hex(msb, out, 14, 4);
        out[18] = '-';
        hex(lsb >>> 48, out, 19, 4);
        out[23] = '-';
        hex(lsb, out, 24, 12);
        return out;
    }

    private static void hex(long value, byte[] out, int offset, int digits) {
        for (int i = offset + digits - 1; i >= offset; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
