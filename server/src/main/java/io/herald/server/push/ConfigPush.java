package io.herald.server.push;

import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.server.catalog.SnapshotSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jakarta.annotation.PreDestroy;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Holds SDK long-polls and completes them when their app's config version moves past what they have;
 * a change wakes only the polls of the apps it gave a new version ({@link VersionWatcher}), the others
 * stay held until they time out (304). The newest snapshot of each app is cached, so 200 instances of
 * one app cost one catalog read.
 */
@Component
class ConfigPush {

    private final SnapshotSource snapshots;
    private final VersionWatcher watcher;
    private final PushProperties props;
    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<String, ConfigSnapshot> cache = new ConcurrentHashMap<>();
    private final ExecutorService wakeups = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "herald-config-push");
        t.setDaemon(true);
        return t;
    });

    ConfigPush(SnapshotSource snapshots, VersionWatcher watcher, PushProperties props) {
        this.snapshots = snapshots;
        this.watcher = watcher;
        this.props = props;
        watcher.onChange(apps -> {
            for (String app : apps) {
                wakeups.execute(() -> wake(app));
            }
        });
    }

    @PreDestroy
    void stop() {
        wakeups.shutdownNow();
    }

    DeferredResult<ResponseEntity<ConfigSnapshot>> poll(String app, long since) {
        DeferredResult<ResponseEntity<ConfigSnapshot>> result =
                new DeferredResult<>(props.longPollTimeout().toMillis(), () -> ResponseEntity.status(HttpStatus.NOT_MODIFIED).build());
        ConfigSnapshot now = snapshot(app, watcher.latest(app));
        if (now.version() > since) {
            result.setResult(ResponseEntity.ok(now));
            return result;
        }
        Waiter waiter = new Waiter(app, since, result);
        Set<Waiter> ofApp = waiters.computeIfAbsent(app, k -> ConcurrentHashMap.newKeySet());
        ofApp.add(waiter);
        result.onCompletion(() -> ofApp.remove(waiter));
        // A change may have landed between the read above and the registration.
        if (watcher.latest(app) > now.version()) {
            wake(waiter, watcher.latest(app));
        }
        return result;
    }

    private void wake(String app) {
        long version = watcher.latest(app);
        ConfigSnapshot cached = cache.get(app);
        if (cached != null && cached.version() < version) {
            cache.remove(app, cached);
        }
        Set<Waiter> ofApp = waiters.get(app);
        if (ofApp == null) {
            return;
        }
        for (Waiter w : ofApp) {
            wake(w, version);
        }
    }

    private void wake(Waiter w, long version) {
        if (w.result.isSetOrExpired()) {
            return;
        }
        try {
            ConfigSnapshot s = snapshot(w.app, version);
            if (s.version() > w.since) {
                w.result.setResult(ResponseEntity.ok(s));
            }
        } catch (RuntimeException e) {
            w.result.setErrorResult(e);
        }
    }

    /** The app's snapshot at {@code atLeast} or newer: the cached one when it is that new, else read. */
    private ConfigSnapshot snapshot(String app, long atLeast) {
        ConfigSnapshot cached = cache.get(app);
        if (cached != null && cached.version() >= atLeast) {
            return cached;
        }
        ConfigSnapshot fresh = snapshots.snapshot(app);
        cache.merge(app, fresh, (old, neu) -> neu.version() >= old.version() ? neu : old);
        return fresh;
    }

    int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /** Polls of {@code app} held right now. */
    int waiting(String app) {
        Set<Waiter> ofApp = waiters.get(app);
        return ofApp == null ? 0 : (int) ofApp.stream().filter(w -> !w.result().isSetOrExpired()).count();
    }

    private record Waiter(String app, long since, DeferredResult<ResponseEntity<ConfigSnapshot>> result) {
    }

}
