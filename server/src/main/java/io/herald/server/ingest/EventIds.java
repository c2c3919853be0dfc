package io.herald.server.ingest;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for events that arrive without one: UUID version 7 layout (time-ordered, RFC 9562) from
 * {@link ThreadLocalRandom}, as the SDK makes them; {@code UUID.randomUUID()} would serialise
 * concurrent requests on {@code SecureRandom}. Ids must be unique, not unguessable.
 */
public final class EventIds {

    private EventIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
