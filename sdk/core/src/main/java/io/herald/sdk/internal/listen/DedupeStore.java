package io.herald.sdk.internal.listen;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The message ids ({@code ce_id}) one binding handled in this instance, each with the time it was
 * handled, kept for the binding's dedupe window. Bounded: beyond {@code maxIds} the oldest ids are
 * forgotten before their window ends (a repeat of one is then handled again). Ids are kept in the
 * order they were handled, so expired ones are dropped from the head in passing.
 */
final class DedupeStore {

    private final int maxIds;
    private final LongSupplier clock;
    /** Insertion order is handling order: a re-handled id is moved to the end. */
    private final LinkedHashMap<String, Long> handledAt = new LinkedHashMap<>();

    DedupeStore(int maxIds, LongSupplier clock) {
        if (maxIds < 1) {
            throw new IllegalArgumentException("maxIds must be at least 1, was " + maxIds);
        }
        this.maxIds = maxIds;
        this.clock = clock;
    }

    DedupeStore(int maxIds) {
        this(maxIds, System::currentTimeMillis);
    }

    /** Whether {@code id} was handled less than {@code windowMillis} ago. */
    synchronized boolean seen(String id, long windowMillis) {
        long now = clock.getAsLong();
        expire(now, windowMillis);
        Long at = handledAt.get(id);
        return at != null && now - at < windowMillis;
    }

    /** {@code id} was handled now. */
    synchronized void handled(String id, long windowMillis) {
        long now = clock.getAsLong();
        handledAt.remove(id);
        handledAt.put(id, now);
        expire(now, windowMillis);
        Iterator<Map.Entry<String, Long>> it = handledAt.entrySet().iterator();
        while (handledAt.size() > maxIds && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    synchronized int size() {
        return handledAt.size();
    }

    private void expire(long now, long windowMillis) {
        Iterator<Map.Entry<String, Long>> it = handledAt.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue() < windowMillis) {
                return;
            }
            it.remove();
        }
    }
}
