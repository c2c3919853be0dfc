package io.herald.server.catalog;

import io.herald.server.security.Secrets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Valid API keys remembered for {@link #TTL_NANOS} by their hash, so that busy callers (SDK polls,
 * HTTP ingestion) cost neither a database read nor a transaction per request. A plain component,
 * not a transactional proxy: looking a key up here costs a hash and a map read. Revoking a key or
 * deleting its app forgets it at once on this instance; other instances notice within the TTL.
 */
@Component
public class ApiKeyCache {

    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_KEYS = 10_000;

    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();

    private record Cached(String app, long at) {
    }

    /** The app of a key remembered and still fresh, else empty (then ask {@link AppService#authenticate}). */
    public Optional<String> remembered(String apiKey) {
        if (apiKey == null || !apiKey.startsWith(AppService.KEY_PREFIX)) {
            return Optional.empty();
        }
        Cached c = byHash.get(Secrets.sha256(apiKey));
        return c != null && System.nanoTime() - c.at() < TTL_NANOS ? Optional.of(c.app()) : Optional.empty();
    }

    void remember(String hash, String app) {
        if (byHash.size() > MAX_KEYS) {
            byHash.clear();
        }
        byHash.put(hash, new Cached(app, System.nanoTime()));
    }

    void forget(String hash) {
        byHash.remove(hash);
    }

    void forgetApp(String app) {
        byHash.values().removeIf(c -> c.app().equals(app));
    }
}
