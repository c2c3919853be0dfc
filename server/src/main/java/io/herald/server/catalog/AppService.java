package io.herald.server.catalog;

import io.herald.server.audit.Auditor;
import io.herald.server.common.ConflictException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.Violations;
import io.herald.server.security.Caller;
import io.herald.server.security.Secrets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Apps and their API keys. */
@Service
@Transactional
public class AppService {

    public static final String KEY_PREFIX = "hk_";

    private static final Logger log = LoggerFactory.getLogger(AppService.class);

    private final AppRepository apps;
    private final ApiKeyRepository keys;
    private final TopicRepository topics;
    private final BindingRepository bindings;
    private final ConfigVersions versions;
    private final Auditor auditor;

    AppService(AppRepository apps, ApiKeyRepository keys, TopicRepository topics, BindingRepository bindings,
               ConfigVersions versions, Auditor auditor, ApiKeyCache keyCache, HeardVersion heard) {
        this.keyCache = keyCache;
        this.heard = heard;
        this.apps = apps;
        this.keys = keys;
        this.topics = topics;
        this.bindings = bindings;
        this.versions = versions;
        this.auditor = auditor;
    }

    /** What a caller sends to create or change an app; null fields are left as they are on update. */
    public record AppRequest(String name, String owner, String description) {
    }

    public CreatedApp create(Caller caller, AppRequest request) {
        caller.requireAdmin();
        Violations v = new Violations();
        CatalogRules.appName(v, "name", request.name());
        length(v, "owner", request.owner(), 200);
        length(v, "description", request.description(), 2000);
        v.throwIfAny();
        if (apps.findByName(request.name()).isPresent()) {
            throw new ConflictException("App '" + request.name() + "' already exists", "name");
        }
        AppEntity app = new AppEntity();
        app.name = request.name();
        app.owner = blankToNull(request.owner());
        app.description = blankToNull(request.description());
        apps.save(app);
        IssuedKey key = issueKey(app);
        versions.appCreated(app.id);
        auditor.record(caller, "create", "app", app.name, null, app.view());
        return new CreatedApp(app.view(), key.apiKey());
    }

    @Transactional(readOnly = true)
    public List<AppView> list(Caller caller) {
        return apps.findAllByOrderByNameAsc().stream()
                .filter(a -> caller.admin() || caller.readOnly() || a.name.equals(caller.app()))
                .map(AppEntity::view).toList();
    }

    @Transactional(readOnly = true)
    public AppView get(Caller caller, String name) {
        AppEntity app = find(name);
        if (!caller.readOnly()) {
            requireRead(caller, name);
        }
        return app.view();
    }

    public AppView update(Caller caller, String name, AppRequest request) {
        caller.requireApp(name);
        AppEntity app = find(name);
        if (request.name() != null && !request.name().equals(name)) {
            throw new io.herald.server.common.ValidationException("name", "cannot be changed; create a new app instead");
        }
        Violations v = new Violations();
        length(v, "owner", request.owner(), 200);
        length(v, "description", request.description(), 2000);
        v.throwIfAny();
        AppView before = app.view();
        if (request.owner() != null) {
            app.owner = blankToNull(request.owner());
        }
        if (request.description() != null) {
            app.description = blankToNull(request.description());
        }
        app.updatedAt = Instant.now();
        versions.catalogChanged(); // owner and description are in no snapshot
        auditor.record(caller, "update", "app", name, before, app.view());
        return app.view();
    }

    public void delete(Caller caller, String name) {
        caller.requireAdmin();
        AppEntity app = find(name);
        if (topics.countByApp(app) > 0) {
            throw new ConflictException("App '" + name + "' still owns topics; delete or hand them over first", "name");
        }
        if (bindings.existsByApp(app)) {
            throw new ConflictException("App '" + name + "' still has bindings; delete them first", "name");
        }
        AppView before = app.view();
        apps.delete(app);
        versions.catalogChanged();
        auditor.record(caller, "delete", "app", name, before, null);
        afterCommit(() -> keyCache.forgetApp(name));
    }

    /** Issues a new API key; earlier keys stay valid until revoked. */
    public IssuedKey rotateKey(Caller caller, String name) {
        caller.requireApp(name);
        AppEntity app = find(name);
        IssuedKey key = issueKey(app);
        versions.catalogChanged();
        afterCommit(() -> { });
        auditor.record(caller, "rotate-key", "app", name, null, new ApiKeyView(key.id(), key.prefix(), Instant.now(), null));
        return key;
    }

    @Transactional(readOnly = true)
    public List<ApiKeyView> keys(Caller caller, String name) {
        requireRead(caller, name);
        return keys.findByAppOrderByIdAsc(find(name)).stream().map(ApiKeyEntity::view).toList();
    }

    public ApiKeyView revokeKey(Caller caller, String name, long keyId) {
        caller.requireApp(name);
        AppEntity app = find(name);
        ApiKeyEntity key = keys.findById(keyId).filter(k -> k.app.id.equals(app.id))
                .orElseThrow(() -> new NotFoundException("API key", String.valueOf(keyId)));
        if (key.revokedAt == null) {
            ApiKeyView before = key.view();
            key.revokedAt = Instant.now();
            versions.catalogChanged();
            auditor.record(caller, "revoke-key", "app", name, before, key.view());
            String hash = key.hash;
            afterCommit(() -> keyCache.forget(hash));
        }
        return key.view();
    }

    /**
     * Once the key change of this transaction has committed: forgets what it changed in this
     * instance's key cache (after the commit, so no request that read the key before can put it back
     * afterwards) and counts the change as heard here at once, so that no key cache entry read before
     * it is trusted on this instance from now on; every other instance stops trusting its own as soon
     * as the change's notification reaches it.
     */
    private void afterCommit(Runnable evict) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                evict.run();
                heard.changed();
            }
        });
    }

    /**
     * The app an API key belongs to, when the key is valid and not revoked, read from the catalog
     * and then remembered in {@link ApiKeyCache} (callers ask the cache first), tagged with the config
     * version heard before the read. No transaction of its own: the repository's read is one.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.SUPPORTS, readOnly = true)
    public Optional<String> authenticate(String apiKey) {
        if (apiKey == null || !apiKey.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(apiKey);
        long version = heard.version();
        Optional<String> app = keys.findActiveByHash(hash).map(k -> k.app.name);
        if (app.isPresent()) {
            keyCache.remember(hash, app.get(), version);
        } else {
            keyCache.forget(hash);
        }
        return app;
    }

    private final ApiKeyCache keyCache;
    private final HeardVersion heard;

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return apps.findByName(name).isPresent();
    }

    private IssuedKey issueKey(AppEntity app) {
        String secret = Secrets.generate(KEY_PREFIX);
        ApiKeyEntity key = new ApiKeyEntity();
        key.app = app;
        key.prefix = secret.substring(0, Math.min(secret.length(), 10));
        key.hash = Secrets.sha256(secret);
        keys.save(key);
        return new IssuedKey(app.name, key.id, key.prefix, secret);
    }

    AppEntity find(String name) {
        return apps.findByName(name).orElseThrow(() -> new NotFoundException("App", name));
    }

    private static void requireRead(Caller caller, String app) {
        if (!caller.admin() && !caller.readOnly() && !app.equals(caller.app())) {
            throw new io.herald.server.common.ForbiddenException("The caller may not read app '" + app + "'");
        }
    }

    static void length(Violations v, String field, String value, int max) {
        if (value != null && value.length() > max) {
            v.add(field, "must be at most " + max + " characters");
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
