package io.herald.server.catalog;

import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The newest config version this server instance has heard of (by PostgreSQL {@code LISTEN/NOTIFY}
 * or a re-read), and whether its listener is connected right now. Caches of catalog data that other
 * instances may change (the API keys) trust an entry only while the version it was read at is still
 * the newest heard and the listener is connected: then no change has committed since, anywhere.
 * The push feature's listener feeds it.
 */
@Component
public class HeardVersion {

    private final Object lock = new Object();
    private volatile long version = -1;
    private volatile boolean listening;

    /** The newest version heard; read it <em>before</em> reading the catalog data it then stands for. */
    public long version() {
        return version;
    }

    /** Whether change notifications reach this instance right now; while not, nothing cached may be trusted. */
    public boolean listening() {
        return listening;
    }

    /** The listener heard (or re-read) {@code newest}. */
    public void heard(long newest) {
        synchronized (lock) {
            if (newest > version) {
                version = newest;
                lock.notifyAll();
            }
        }
    }

    /** The listener connected (after it re-read the version) or lost its connection. */
    public void listening(boolean connected) {
        synchronized (lock) {
            listening = connected;
            lock.notifyAll();
        }
    }

    /**
     * Waits until this instance has heard of {@code wanted} (a change committed through it), at most
     * {@code max}; returns at once while the listener is not connected, as nothing cached is trusted then.
     *
     * @return whether it was heard in time
     */
    boolean await(long wanted, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (version < wanted && listening) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return version >= wanted;
        }
    }
}
