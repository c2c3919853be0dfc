package io.herald.server.catalog;

import io.herald.server.security.Secrets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Valid API keys remembered by their hash, so that busy callers (SDK polls, HTTP ingestion) cost
 * neither a database read nor a transaction per request. A plain component, not a transactional
 * proxy: looking a key up here costs a hash and a map read.
 *
 * <p>An entry is trusted only while the config version it was read at is still the newest this
 * instance has heard ({@link HeardVersion}) and the change listener is connected, and for at most
 * {@link #TTL_NANOS}. Revoking a key, rotating keys or deleting an app bumps the version, so every
 * instance stops trusting its entries as soon as it hears the change (milliseconds after the
 * commit), and the instance that made the change has heard it before its API call returns.
 */
@Component
public class ApiKeyCache {

    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_KEYS = 10_000;

    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    private final HeardVersion heard;

    ApiKeyCache(HeardVersion heard) {
        this.heard = heard;
    }

    private record Cached(String app, long version, long at) {
    }

    /** The app of a key remembered and still trusted, else empty (then ask {@link AppService#authenticate}). */
    public Optional<String> remembered(String apiKey) {
        if (apiKey == null || !apiKey.startsWith(AppService.KEY_PREFIX)) {
            return Optional.empty();
        }
        Cached c = byHash.get(Secrets.sha256(apiKey));
        if (c == null || !heard.listening() || c.version() != heard.version() || System.nanoTime() - c.at() >= TTL_NANOS) {
            return Optional.empty();
        }
        return Optional.of(c.app());
    }

    /**
     * Remembers a key found valid by a read that started after this instance had heard {@code version}
     * (the caller reads {@link HeardVersion#version()} first, then the key).
     */
    void remember(String hash, String app, long version) {
        if (byHash.size() > MAX_KEYS) {
            byHash.clear();
        }
        byHash.put(hash, new Cached(app, version, System.nanoTime()));
    }

    void forget(String hash) {
        byHash.remove(hash);
    }

    void forgetApp(String app) {
        byHash.values().removeIf(c -> c.app().equals(app));
    }
}
