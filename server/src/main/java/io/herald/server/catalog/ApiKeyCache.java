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
 *
 * <p>While PostgreSQL is down (nothing can be read, so nothing is trusted the usual way), a key is
 * taken when its entry was read at the newest version heard before the outage ({@link
 * #rememberedWhileDown}): no key change had committed since, so HTTP ingestion goes on with the keys
 * in use and a revoked key stays refused ({@link #refusedWhileDown}). After a change, the entries
 * held are read again in one query ({@link #revalidate}), so that rarely used keys are current too.
 */
@Component
public class ApiKeyCache {

    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_KEYS = 10_000;

    static final long REVALIDATE_MILLIS = 1_000;
    private static final int QUERY_CHUNK = 1_000;

    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    /** Keys the catalog refused (revoked, their app deleted, never issued): they never become valid again. */
    private final Map<String, Boolean> refused = new ConcurrentHashMap<>();
    private final HeardVersion heard;
    private final ApiKeyRepository keys;

    ApiKeyCache(HeardVersion heard, ApiKeyRepository keys) {
        this.heard = heard;
        this.keys = keys;
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
     * The app of a key read at the newest config version this instance heard, however long ago: only
     * for when the catalog cannot be asked (PostgreSQL is down). Every key change bumps the version,
     * so none had committed since the entry was read.
     */
    public Optional<String> rememberedWhileDown(String apiKey) {
        if (apiKey == null || !apiKey.startsWith(AppService.KEY_PREFIX)) {
            return Optional.empty();
        }
        Cached c = byHash.get(Secrets.sha256(apiKey));
        return c == null || c.version() != heard.version() ? Optional.empty() : Optional.of(c.app());
    }

    /** Whether the catalog refused this key when it was asked (it stays refused while PostgreSQL is down). */
    public boolean refusedWhileDown(String apiKey) {
        return apiKey == null || !apiKey.startsWith(AppService.KEY_PREFIX) || refused.containsKey(Secrets.sha256(apiKey));
    }

    /** Reads again, in one query, the keys held that were read at an older version than the newest heard. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = REVALIDATE_MILLIS, initialDelay = REVALIDATE_MILLIS)
    void revalidate() {
        long version = heard.version();
        if (!heard.listening()) {
            return;
        }
        Map<String, Cached> stale = new java.util.HashMap<>();
        byHash.forEach((hash, c) -> {
            if (c.version() != version) {
                stale.put(hash, c);
            }
        });
        if (stale.isEmpty()) {
            return;
        }
        Map<String, String> active = new java.util.HashMap<>();
        java.util.List<String> hashes = java.util.List.copyOf(stale.keySet());
        try {
            for (int i = 0; i < hashes.size(); i += QUERY_CHUNK) {
                for (Object[] row : keys.findActiveApps(hashes.subList(i, Math.min(hashes.size(), i + QUERY_CHUNK)))) {
                    active.put((String) row[0], (String) row[1]);
                }
            }
        } catch (RuntimeException e) {
            // PostgreSQL is down or busy: the entries stay as they are, trusted only as before
            return;
        }
        long now = System.nanoTime();
        stale.forEach((hash, was) -> {
            String app = active.get(hash);
            if (app == null) {
                if (byHash.remove(hash, was)) {
                    refuse(hash);
                }
            } else {
                // only entries nobody changed meanwhile: a key forgotten while the query ran stays forgotten
                byHash.replace(hash, was, new Cached(app, version, now));
            }
        });
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
