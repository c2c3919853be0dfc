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
 * Holds SDK long-polls and completes them when the config version moves past what they have.
 * Snapshots are cached per app and version, so 200 instances of one app cost one catalog read.
 */
@Component
class ConfigPush {

    private final SnapshotSource snapshots;
    private final VersionWatcher watcher;
    private final PushProperties props;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
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
        watcher.onChange(version -> wakeups.execute(() -> wakeAll(version)));
    }

    @PreDestroy
    void stop() {
        wakeups.shutdownNow();
    }

    DeferredResult<ResponseEntity<ConfigSnapshot>> poll(String app, long since) {
        DeferredResult<ResponseEntity<ConfigSnapshot>> result =
                new DeferredResult<>(props.longPollTimeout().toMillis(), () -> ResponseEntity.status(HttpStatus.NOT_MODIFIED).build());
        ConfigSnapshot now = snapshot(app, watcher.latest());
        if (now.version() > since) {
            result.setResult(ResponseEntity.ok(now));
            return result;
        }
        Waiter waiter = new Waiter(app, since, result);
        waiters.add(waiter);
        result.onCompletion(() -> waiters.remove(waiter));
        // A change may have landed between the read above and the registration.
        if (watcher.latest() > now.version()) {
            wake(waiter, watcher.latest());
        }
        return result;
    }

    private void wakeAll(long version) {
        for (Waiter w : waiters) {
            wake(w, version);
        }
        cache.keySet().removeIf(key -> Long.parseLong(key.substring(key.lastIndexOf('@') + 1)) < version);
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

    private ConfigSnapshot snapshot(String app, long atLeast) {
        ConfigSnapshot cached = cache.get(app + "@" + atLeast);
        if (cached != null) {
            return cached;
        }
        ConfigSnapshot fresh = snapshots.snapshot(app);
        cache.put(app + "@" + fresh.version(), fresh);
        return fresh;
    }

    int waiting() {
        return waiters.size();
    }

    /** Polls of {@code app} held right now. */
    int waiting(String app) {
        return (int) waiters.stream().filter(w -> w.app().equals(app) && !w.result().isSetOrExpired()).count();
    }

    private record Waiter(String app, long since, DeferredResult<ResponseEntity<ConfigSnapshot>> result) {
    }

}
