package io.herald.server.catalog;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * How many catalog changes this server instance has heard of (a local count: each change
 * notification heard, each change committed through this instance, each reconnect of the listener,
 * as changes may have been missed meanwhile), and whether its listener is connected right now.
 * Caches of catalog data that other instances may change (the API keys, the ingestion catalog, the
 * push dispatcher's routes) trust an entry only while the count it was read at is still the count and
 * the listener is connected: then no change has committed since, anywhere. The push feature's
 * listener feeds it. (Config versions proper are per app, in {@link ConfigVersions}; no single
 * number follows every change.)
 */
@Component
public class HeardVersion {

    private final AtomicLong version = new AtomicLong();
    private volatile boolean listening;

    /** The count of changes heard; read it <em>before</em> reading the catalog data it then stands for. */
    public long version() {
        return version.get();
    }

    /** Whether change notifications reach this instance right now; while not, nothing cached may be trusted. */
    public boolean listening() {
        return listening;
    }

    /** A change was heard (a notification), or committed through this instance. */
    public void changed() {
        version.incrementAndGet();
    }

    /** The listener connected (then anything may have changed unheard: counted as a change) or lost its connection. */
    public void listening(boolean connected) {
        if (connected) {
            version.incrementAndGet();
        }
        listening = connected;
    }
}
