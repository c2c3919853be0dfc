package io.herald.sdk.internal.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * A single-producer, single-consumer ring from one recording thread (a listener's delivery
 * thread, Kafka's I/O thread for SENT) to the shipper: an offer is a slot write and an ordered
 * store, with no allocation and no compare-and-set that the shipper's polls would contend on.
 */
final class HandOff {

    private static final VarHandle TAIL;
    private static final VarHandle HEAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(HandOff.class, "tail", long.class);
            HEAD = lookup.findVarHandle(HandOff.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;
    private final WeakReference<Thread> owner;
    /** The owner's id: compared on every offer, without dereferencing the weak reference. */
    private final long ownerId;
    /** Written by the producer only. */
    @SuppressWarnings("unused")
    private volatile long tail;
    /** Written by the consumer only. */
    @SuppressWarnings("unused")
    private volatile long head;
    /** The producer's last look at {@link #head}. */
    private long headSeen;
    /** The consumer's last look at {@link #tail}. */
    private long tailSeen;

    HandOff(int capacity, Thread owner) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.slots = new Object[size];
        this.mask = size - 1;
        this.owner = new WeakReference<>(owner);
        this.ownerId = owner.getId();
    }

    /** Whether {@code thread} is the one recording into this ring. */
    boolean ownedBy(Thread thread) {
        return thread.getId() == ownerId && owner.get() == thread;
    }

    /** Producer side: false when the ring is full. */
    boolean offer(Object item) {
        long t = (long) TAIL.getOpaque(this);
        if (t - headSeen >= slots.length) {
            headSeen = (long) HEAD.getAcquire(this);
            if (t - headSeen >= slots.length) {
                return false;
            }
        }
        slots[(int) t & mask] = item;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer side: the oldest item, or {@code null}. */
    Object poll() {
        long h = (long) HEAD.getOpaque(this);
        if (h >= tailSeen) {
            tailSeen = (long) TAIL.getAcquire(this);
            if (h >= tailSeen) {
                return null;
            }
        }
        int i = (int) h & mask;
        Object item = slots[i];
        slots[i] = null;
        HEAD.setRelease(this, h + 1);
        return item;
    }

    /** Consumer side: whether the recording thread is gone (then, once empty, the ring can go). */
    boolean ownerGone() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }

    /** Timepoints waiting (a moment's view). */
    long size() {
        return Math.max(0, (long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }

    boolean isEmpty() {
        return (long) HEAD.getOpaque(this) >= (long) TAIL.getAcquire(this);
    }
}
