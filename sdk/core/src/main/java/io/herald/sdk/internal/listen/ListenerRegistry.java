package io.herald.sdk.internal.listen;

import io.herald.sdk.BindingKind;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.HeraldTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the endpoints and one container (subscription) per (group, topic): endpoints of the same
 * group on the same topic share one subscription, since a Kafka group consumes a topic once.
 * Applying a snapshot recomputes every endpoint's settings and reconciles the containers:
 * new ones start, removed ones stop, pause/resume and concurrency changes take effect.
 */
public final class ListenerRegistry {

    private static final Logger log = LoggerFactory.getLogger(ListenerRegistry.class);

    private final Transport transport;
    private final HeraldMetrics metrics;
    private final HeraldConfig config;
    private final String instanceId;
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private final Map<Key, Container> containers = new LinkedHashMap<>();
    private final Set<Long> unhandledBindingsLogged = new HashSet<>();
    private final Set<Key> pushedLogged = new HashSet<>();
    private ConfigSnapshot snapshot;
    private boolean started;
    private boolean closed;
    private volatile Tracer tracer = Tracer.OFF;
    /** One replay subscription per group with listeners here: herald.replay.<group>, see {@link ReplayDispatcher}. */
    private final Map<String, ReplayContainer> replays = new LinkedHashMap<>();

    private static final class ReplayContainer {
        final ReplayDispatcher dispatcher;
        Subscription subscription;

        ReplayContainer(ReplayDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }
    }

    record Key(String group, String topic) {
    }

    private static final class Container {
        final BindingDispatcher dispatcher;
        Subscription subscription;
        int concurrency;
        boolean paused;
        /** The rate limit the subscription applies; 0 = none. */
        double rate;
        /** A new subscription, whose rate limit is still to be set. */
        boolean rateUnapplied;

        Container(BindingDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }
    }

    public ListenerRegistry(Transport transport, HeraldMetrics metrics, HeraldConfig config, String instanceId) {
        this.transport = transport;
        this.metrics = metrics;
        this.config = config;
        this.instanceId = instanceId;
    }

    /** Records consumer-side timepoints from now on. */
    public synchronized void tracer(Tracer tracer) {
        this.tracer = tracer;
        containers.values().forEach(c -> c.dispatcher.tracer(tracer));
    }

    public synchronized void add(Endpoint endpoint) {
        if (closed) {
            throw new IllegalStateException("Herald is closed");
        }
        endpoints.add(endpoint);
        resolve(endpoint);
        if (started) {
            reconcile();
        }
    }

    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    public synchronized void apply(ConfigSnapshot snapshot) {
        this.snapshot = snapshot;
        for (Endpoint endpoint : endpoints) {
            resolve(endpoint);
        }
        logUnhandled(snapshot);
        if (started) {
            reconcile();
        }
    }

    /** Re-resolves after a registration outcome changed. */
    public synchronized void refresh() {
        for (Endpoint endpoint : endpoints) {
            resolve(endpoint);
        }
        if (started) {
            reconcile();
        }
    }

    public synchronized void start() {
        started = true;
        reconcile();
    }

    public synchronized void close(Duration timeout) {
        closed = true;
        started = false;
        // Stop every subscription at once so that shutdown takes one timeout, not one per container.
        List<Thread> closers = new ArrayList<>();
        for (Map.Entry<Key, Container> e : containers.entrySet()) {
            Container c = e.getValue();
            if (c.subscription != null) {
                Subscription s = c.subscription;
                Thread t = new Thread(() -> s.close(timeout), "herald-close-" + e.getKey().topic());
                t.start();
                closers.add(t);
            }
            metrics.removeLagGauge(e.getKey().topic(), e.getKey().group());
        }
        for (Map.Entry<String, ReplayContainer> e : replays.entrySet()) {
            Subscription s = e.getValue().subscription;
            if (s != null) {
                Thread t = new Thread(() -> s.close(timeout), "herald-close-replay-" + e.getKey());
                t.start();
                closers.add(t);
            }
        }
        replays.clear();
        for (Thread t : closers) {
            try {
                t.join(timeout.toMillis() + 10_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        containers.clear();
    }

    /** Whether the (group, topic) container is consuming (subscribed and not paused). */
    public synchronized boolean isConsuming(String group, String topic) {
        Container c = containers.get(new Key(group, topic));
        return c != null && c.subscription != null && !c.paused;
    }

    private void resolve(Endpoint endpoint) {
        if (snapshot != null && pushedByServer(endpoint, snapshot)) {
            // The server's push dispatcher consumes this group and topic for an HTTP processor; joining
            // the group here would take partitions from it and handle their messages twice or never.
            Key key = new Key(endpoint.group(), endpoint.topic());
            if (pushedLogged.add(key)) {
                log.warn("Group {} on topic {} is served by the server's push processor: this instance's listener for it "
                        + "does not consume (remove the processor to consume here)", endpoint.group(), endpoint.topic());
            }
            endpoint.effective(null);
            return;
        }
        pushedLogged.remove(new Key(endpoint.group(), endpoint.topic()));
        if (endpoint.registration == Endpoint.Registration.FORBIDDEN) {
            // the control plane refused the binding (403): consuming the topic anyway would bypass its consumer policy
            endpoint.effective(null);
            return;
        }
        BindingConfig match = snapshot == null ? null : match(endpoint, snapshot);
        if (match != null) {
            if (!Objects.equals(endpoint.bindingId, match.id())) {
                log.info("Listener {} follows binding id {} of the control plane (change it there: PATCH /api/v1/bindings/{}"
                         + " or /api/v1/bindings/{}/{})", endpoint, match.id(), match.id(), endpoint.group(), endpoint.topic());
            }
            endpoint.bindingId = match.id();
            endpoint.effective(EffectiveBinding.fromControlPlane(match));
        } else if (endpoint.registration != Endpoint.Registration.DONE || snapshot == null
                   || snapshot.version() <= endpoint.registeredAtVersion) {
            // Not (yet) known to the control plane: run with the code's settings.
            endpoint.effective(EffectiveBinding.fromCode(endpoint.declared(), endpoint.group(), config));
        } else {
            // The control plane knows the binding but it is not in the snapshot: it was removed there.
            endpoint.effective(null);
        }
    }

    private static boolean pushedByServer(Endpoint endpoint, ConfigSnapshot snapshot) {
        for (BindingConfig b : snapshot.bindings()) {
            if (b.pushedByServer() && endpoint.group().equals(b.group()) && endpoint.topic().equals(b.topic())) {
                return true;
            }
        }
        return false;
    }

    private BindingConfig match(Endpoint endpoint, ConfigSnapshot snapshot) {
        List<BindingConfig> candidates = new ArrayList<>();
        for (BindingConfig b : snapshot.bindings()) {
            if (endpoint.group().equals(b.group()) && endpoint.topic().equals(b.topic())) {
                candidates.add(b);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Long id = endpoint.bindingId;
        if (id != null) {
            for (BindingConfig b : candidates) {
                if (b.id() == id) {
                    return b;
                }
            }
        }
        for (BindingConfig b : candidates) {
            if (sameFilter(endpoint, b)) {
                return b;
            }
        }
        long siblings = endpoints.stream()
                .filter(e -> e.group().equals(endpoint.group()) && e.topic().equals(endpoint.topic())).count();
        // One binding for one listener of this group and topic: the control plane changed its filter.
        return candidates.size() == 1 && siblings == 1 ? candidates.get(0) : null;
    }

    private static boolean sameFilter(Endpoint endpoint, BindingConfig b) {
        BindingKind kind = endpoint.declared().kind();
        return kind.name().equalsIgnoreCase(b.kind())
               && (kind == BindingKind.FANOUT || Objects.equals(endpoint.declared().typePattern(), b.typePattern()));
    }

    private void logUnhandled(ConfigSnapshot snapshot) {
        for (BindingConfig b : snapshot.bindings()) {
            if (b.pushedByServer()) {
                continue; // the server consumes it
            }
            boolean handled = endpoints.stream().anyMatch(e -> Objects.equals(e.bindingId, b.id())
                    || (e.group().equals(b.group()) && e.topic().equals(b.topic())));
            if (!handled && unhandledBindingsLogged.add(b.id())) {
                log.info("Binding {} ({} {}/{}) has no listener in this app instance", b.id(), b.kind(), b.group(), b.topic());
            }
        }
    }

    private void reconcile() {
        Map<Key, List<Endpoint>> active = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            if (e.effective() != null) {
                active.computeIfAbsent(new Key(e.group(), e.topic()), k -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<Key, List<Endpoint>> entry : active.entrySet()) {
            Key key = entry.getKey();
            List<Endpoint> eps = entry.getValue();
            // A paused binding pauses its whole (group, topic) subscription: consuming on for the
            // others would commit past messages the paused binding has not seen.
            boolean paused = eps.stream().anyMatch(e -> e.effective().paused());
            int concurrency = eps.stream().mapToInt(e -> e.effective().concurrency()).max().orElse(1);
            Container c = containers.get(key);
            if (c == null) {
                c = new Container(new BindingDispatcher(key.group(), key.topic(), transport, metrics,
                        config.getInt(HeraldSettings.CONSUMER_DEDUPE_MAX_IDS)));
                c.dispatcher.tracer(tracer);
                containers.put(key, c);
            }
            c.dispatcher.endpoints(eps);
            if (c.subscription != null && c.concurrency != concurrency) {
                log.info("Concurrency of {}/{} changes from {} to {}: restarting its consumers", key.group(),
                        key.topic(), c.concurrency, concurrency);
                stop(key, c);
            }
            if (c.subscription == null) {
                if (!paused) {
                    subscribe(key, c, concurrency);
                }
            } else if (paused != c.paused) {
                if (paused) {
                    c.subscription.pause();
                } else {
                    c.subscription.resume();
                }
                log.info("{} {}/{}", paused ? "Paused" : "Resumed", key.group(), key.topic());
            }
            c.paused = paused;
            applyRate(key, c, eps);
        }
        for (Key key : new ArrayList<>(containers.keySet())) {
            if (!active.containsKey(key)) {
                log.info("No active binding left for {}/{}: stopping its consumers", key.group(), key.topic());
                stop(key, containers.remove(key));
            }
        }
        reconcileReplays();
    }

    /**
     * Every group with a container here also reads its replay topic, in the same consumer group
     * (so the group's ACLs and offsets cover it; Kafka's assignors give the replay topic's
     * partitions only to the members subscribed to it) with its own client id. The replay
     * dispatcher hands each record to the group's dispatcher of the record's original topic.
     */
    private void reconcileReplays() {
        Map<String, Map<String, ReplayDispatcher.Target>> byGroup = new LinkedHashMap<>();
        if (config.getBoolean(HeraldSettings.REPLAY_ENABLED)) {
            for (Map.Entry<Key, Container> e : containers.entrySet()) {
                byGroup.computeIfAbsent(e.getKey().group(), g -> new LinkedHashMap<>())
                        .put(e.getKey().topic(), new ReplayDispatcher.Target(e.getValue().dispatcher, e.getValue().paused));
            }
        }
        for (Map.Entry<String, Map<String, ReplayDispatcher.Target>> e : byGroup.entrySet()) {
            String group = e.getKey();
            ReplayContainer r = replays.get(group);
            if (r == null) {
                r = new ReplayContainer(new ReplayDispatcher(group, config.getLong(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS)));
                replays.put(group, r);
            }
            r.dispatcher.targets(e.getValue());
            if (r.subscription == null) {
                String topic = HeraldTopics.replay(group);
                r.subscription = transport.subscribe(new SubscriptionSpec(group, topic, 1,
                        instanceId + "-" + group + "-replay"), r.dispatcher);
                log.info("Listening on {} as group {} (replays to this group)", topic, group);
            }
        }
        for (String group : new ArrayList<>(replays.keySet())) {
            if (!byGroup.containsKey(group)) {
                ReplayContainer r = replays.remove(group);
                if (r.subscription != null) {
                    r.subscription.close(Duration.ofMillis(config.getLong(HeraldSettings.SHUTDOWN_TIMEOUT_MS)));
                }
            }
        }
    }

    /**
     * The strictest positive rate of the (group, topic)'s bindings, applied live; a subscription made
     * anew (or the first) gets it before its first poll matters.
     */
    private void applyRate(Key key, Container c, List<Endpoint> eps) {
        double rate = eps.stream().mapToDouble(e -> e.effective().ratePerSecond()).filter(r -> r > 0).min().orElse(0);
        if (c.subscription == null) {
            return;
        }
        if (rate != c.rate || c.rateUnapplied) {
            try {
                c.subscription.rateLimit(rate);
                log.info("Rate limit of {}/{}: {}", key.group(), key.topic(), rate > 0 ? rate + " messages/s" : "none");
            } catch (UnsupportedOperationException e) {
                log.error("Rate limit of {}/{} ({} messages/s) cannot be applied: {}", key.group(), key.topic(), rate,
                        e.getMessage());
            }
            c.rate = rate;
            c.rateUnapplied = false;
        }
    }

    private void subscribe(Key key, Container c, int concurrency) {
        Subscription s = transport.subscribe(new SubscriptionSpec(key.group(), key.topic(), concurrency,
                instanceId + "-" + key.group() + "-" + key.topic()), c.dispatcher);
        c.subscription = s;
        c.concurrency = concurrency;
        c.rateUnapplied = true;
        metrics.lagGauge(key.topic(), key.group(), s, Subscription::lag);
        log.info("Listening on {} as group {} ({} thread(s))", key.topic(), key.group(), concurrency);
    }

    private void stop(Key key, Container c) {
        if (c != null && c.subscription != null) {
            c.subscription.close(Duration.ofMillis(config.getLong(io.herald.sdk.HeraldSettings.SHUTDOWN_TIMEOUT_MS)));
            c.subscription = null;
            metrics.removeLagGauge(key.topic(), key.group());
        }
    }
}
