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
 * deleting its app forgets it at once on this instance; every {@link #REVALIDATE_MILLIS} the keys
 * held are checked against the catalog in one query (a key revoked through another instance is
 * forgotten, the others stay fresh), so while PostgreSQL is down the keys held are the catalog's
 * as it was just before ({@link #rememberedWhileDown}): ingestion goes on, revocations hold.
 */
@Component
public class ApiKeyCache {

    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_KEYS = 10_000;

    static final long REVALIDATE_MILLIS = 5_000;
    private static final int QUERY_CHUNK = 1_000;

    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    /** Keys the catalog refused (revoked, their app deleted, never issued) at their last check, so an outage does not let them in. */
    private final Map<String, Boolean> refused = new ConcurrentHashMap<>();
    private final ApiKeyRepository keys;

    ApiKeyCache(ApiKeyRepository keys) {
        this.keys = keys;
    }

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

    /**
     * The app of a key held however long ago it was confirmed: only for when the catalog cannot be
     * asked (PostgreSQL is down). What is held was checked against the catalog every
     * {@link #REVALIDATE_MILLIS} until the outage, so a revoked key is not among it.
     */
    public Optional<String> rememberedWhileDown(String apiKey) {
        if (apiKey == null || !apiKey.startsWith(AppService.KEY_PREFIX)) {
            return Optional.empty();
        }
        Cached c = byHash.get(Secrets.sha256(apiKey));
        return c == null ? Optional.empty() : Optional.of(c.app());
    }

    /** Whether the catalog refused this key when it was last asked (it still is refused while PostgreSQL is down). */
    public boolean refusedWhileDown(String apiKey) {
        return apiKey == null || !apiKey.startsWith(AppService.KEY_PREFIX) || refused.containsKey(Secrets.sha256(apiKey));
    }

    /** Checks every key held against the catalog: still active ones are fresh again, the others forgotten. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = REVALIDATE_MILLIS, initialDelay = REVALIDATE_MILLIS)
    void revalidate() {
        Map<String, Cached> held = Map.copyOf(byHash);
        if (held.isEmpty()) {
            return;
        }
        long asOf = System.nanoTime();
        Map<String, String> active = new java.util.HashMap<>();
        java.util.List<String> hashes = java.util.List.copyOf(held.keySet());
        try {
            for (int i = 0; i < hashes.size(); i += QUERY_CHUNK) {
                for (Object[] row : keys.findActiveApps(hashes.subList(i, Math.min(hashes.size(), i + QUERY_CHUNK)))) {
                    active.put((String) row[0], (String) row[1]);
                }
            }
        } catch (RuntimeException e) {
            // PostgreSQL is down (or busy): what is held stays as it was confirmed last
            return;
        }
        held.forEach((hash, was) -> {
            String app = active.get(hash);
            if (app == null) {
                if (byHash.remove(hash, was)) {
                    refuse(hash);
                }
            } else {
                // only entries nobody changed meanwhile: a key forgotten while the query ran stays forgotten
                byHash.replace(hash, was, new Cached(app, asOf));
            }
        });
    }

    void remember(String hash, String app) {
        if (byHash.size() > MAX_KEYS) {
            byHash.clear();
        }
        byHash.put(hash, new Cached(app, System.nanoTime()));
        refused.remove(hash);
    }

    void forget(String hash) {
        byHash.remove(hash);
        refuse(hash);
    }

    void forgetApp(String app) {
        byHash.entrySet().removeIf(e -> {
            if (e.getValue().app().equals(app)) {
                refuse(e.getKey());
                return true;
            }
            return false;
        });
    }

    private void refuse(String hash) {
        if (refused.size() > MAX_KEYS) {
            refused.clear();
        }
        refused.put(hash, Boolean.TRUE);
    }
}
