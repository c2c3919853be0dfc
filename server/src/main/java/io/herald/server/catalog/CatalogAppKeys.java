package io.herald.server.catalog;

import io.herald.server.common.DatabaseUnavailableException;
import io.herald.server.security.AppKeys;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** API keys checked against the catalog, {@link ApiKeyCache} first. */
@Component
class CatalogAppKeys implements AppKeys {

    private final AppService apps;
    private final ApiKeyCache keyCache;

    CatalogAppKeys(AppService apps, ApiKeyCache keyCache) {
        this.apps = apps;
        this.keyCache = keyCache;
    }

    @Override
    public Optional<String> appOf(String token) {
        return keyCache.remembered(token).or(() -> checked(token));
    }

    /**
     * The key looked up in the catalog; while PostgreSQL cannot be reached, a key the cache still
     * holds (kept up to date with the catalog, revocations included, until the outage began) is
     * taken, so that HTTP ingestion goes on, and a key it refused (revoked, say) stays refused. Any
     * other key cannot be checked: the outage is thrown.
     */
    private Optional<String> checked(String token) {
        try {
            return apps.authenticate(token);
        } catch (RuntimeException e) {
            if (DatabaseUnavailableException.in(e).isEmpty()) {
                throw e;
            }
            if (keyCache.refusedWhileDown(token)) {
                return Optional.empty();
            }
            Optional<String> known = keyCache.rememberedWhileDown(token);
            if (known.isEmpty()) {
                throw e;
            }
            return known;
        }
    }
}
