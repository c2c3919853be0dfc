package io.herald.sdk.internal.push;

import static io.herald.sdk.HeraldSettings.*;

import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.internal.listen.EffectiveBinding;
import io.herald.sdk.internal.listen.Endpoint;
import io.herald.sdk.internal.listen.ListenerRegistry;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the SDK's config in step with the control plane: registers code-declared bindings, long-polls
 * for snapshots (applied live, and cached on disk), sends heartbeats. When the control plane is
 * unreachable everything keeps running on the last snapshot; polling resumes with back-off and
 * catches up when it returns.
 */
public final class ConfigAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigAgent.class);
    /** Bounds what close() waits for the control plane: a heartbeat under way, then the deregistration. */
    private static final Duration DEREGISTER_TIMEOUT = Duration.ofSeconds(5);

    private final ControlPlaneClient client;
    private final SnapshotCache cache;
    private final HeraldConfig config;
    private final ListenerRegistry registry;
    private final Consumer<ConfigSnapshot> applier;
    private final String instanceId;
    private final String host;
    private final String sdkVersion;
    private final Object wakeLock = new Object();
    private volatile long appliedVersion;
    private volatile boolean running;
    /** Listeners whose consumer group another app owns, or whose topic does not grant the app, found while registering. */
    private final List<String> groupConflicts = new ArrayList<>();
    /** Blocked bindings the control plane reported, logged once each. */
    private final java.util.Set<String> blockedLogged = new java.util.HashSet<>();
    private volatile boolean reachable = true;
    private volatile boolean registrationWanted;
    private volatile boolean transactionChecker;
    /** Data objects' topics to register, by topic; those found in the catalog as they need are in {@link #dataTopicsDone}. */
    private final Map<String, DataTopic> dataTopics = new LinkedHashMap<>();
    private final java.util.Set<String> dataTopicsDone = new java.util.HashSet<>();
    /** Data objects' topics the control plane refused, found while registering at start-up. */
    private final List<String> topicConflicts = new ArrayList<>();
    private volatile ConfigSnapshot current;
    /** The newest snapshot version received but not applied, and why (both null while every one applied). */
    private volatile Long applyErrorVersion;
    private volatile String applyError;
    private Thread pollThread;
    private ScheduledExecutorService heartbeats;

    /**
     * @param client  {@code null} when no control plane is configured
     * @param applier applies a snapshot to the catalog and the listener registry
     */
    public ConfigAgent(ControlPlaneClient client, SnapshotCache cache, HeraldConfig config, ListenerRegistry registry,
                       Consumer<ConfigSnapshot> applier, String instanceId, String host, String sdkVersion) {
        this.client = client;
        this.cache = cache;
        this.config = config;
        this.registry = registry;
        this.applier = applier;
        this.instanceId = instanceId;
        this.host = host;
        this.sdkVersion = sdkVersion;
    }

    /** Whether heartbeats say this instance answers two-phase check-backs. */
    public void transactionChecker(boolean present) {
        this.transactionChecker = present;
    }

    public long appliedVersion() {
        return appliedVersion;
    }

    /** Why the newest snapshot received could not be applied (the last good one runs), or null. */
    public String applyError() {
        return applyError;
    }

    /** The version to long-poll from: past a snapshot that could not be applied, so it is not fetched again at once. */
    private long pollSince() {
        Long refused = applyErrorVersion;
        return refused != null && refused > appliedVersion ? refused : appliedVersion;
    }

    public boolean isControlPlaneReachable() {
        return client != null && reachable;
    }

    /** Applies a snapshot given in code (no control plane). */
    public void applyStatic(ConfigSnapshot snapshot) {
        apply(snapshot, false);
    }

    /** Loads the cache, registers bindings, fetches the first snapshot (bounded wait), then polls in the background. */
    public void start() {
        ConfigSnapshot cached = cache.load();
        if (cached != null && config.app().equals(cached.app()) && cached.version() > appliedVersion) {
            apply(cached, true);
            log.info("Loaded cached config version {} from {}", cached.version(), cache.file());
        }
        if (client == null) {
            return;
        }
        running = true;
        try {
            Duration wait = Duration.ofMillis(Math.max(1, config.getLong(CONTROL_PLANE_STARTUP_TIMEOUT_MS)));
            ConfigSnapshot first = client.fetch(0, wait);
            if (first != null) {
                apply(first, false);
            }
            // Register only what the control plane does not know yet (data objects' topics first: the
            // bindings of their listeners need them), then take the snapshot that includes it.
            boolean registered = registerDataTopics(topicConflicts);
            if (registerPending() | registered) {
                ConfigSnapshot withRegistered = client.fetch(0, wait);
                if (withRegistered != null) {
                    apply(withRegistered, false);
                }
            }
        } catch (RuntimeException e) {
            reachable = false;
            log.warn("Control plane unreachable at start-up ({}); running from {}", e.getMessage(),
                    appliedVersion > 0 ? "cached config version " + appliedVersion : "code-declared bindings only");
        }
        if (!groupConflicts.isEmpty() || !topicConflicts.isEmpty()) {
            running = false;
            List<String> all = new ArrayList<>(topicConflicts);
            all.addAll(groupConflicts);
            throw new HeraldConfigException("Cannot start: " + String.join("; ", all));
        }
        pollThread = new Thread(this::pollLoop, "herald-config-" + config.app());
        pollThread.setDaemon(true);
        pollThread.start();
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-heartbeat-" + config.app());
            t.setDaemon(true);
            return t;
        });
        long interval = config.getLong(HEARTBEAT_INTERVAL_MS);
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** A listener was added after start: register it soon (the poll thread is usually inside a long-poll). */
    public void endpointAdded() {
        if (client == null || !running) {
            return;
        }
        registrationWanted = true;
        heartbeats.execute(() -> {
            try {
                if (registerPending()) {
                    ConfigSnapshot snapshot = client.fetch(0, Duration.ofMillis(config.getLong(CONTROL_PLANE_REQUEST_TIMEOUT_MS)));
                    if (snapshot != null) {
                        apply(snapshot, false);
                    }
                }
            } catch (RuntimeException e) {
                log.debug("Registration deferred: {}", e.getMessage());
            }
        });
    }

    /**
     * Declares a data object's topic and event types. Before {@link #start()} they are registered there
     * (a refusal fails the start); once running, at once: a refusal throws {@link HeraldConfigException},
     * an unreachable control plane defers it to the poll loop.
     */
    public void declareDataTopic(DataTopic topic) {
        synchronized (this) {
            DataTopic known = dataTopics.get(topic.topic());
            if (known != null && known.types().containsAll(topic.types())) {
                return;
            }
            if (known != null) {
                java.util.SortedSet<String> types = new java.util.TreeSet<>(known.types());
                types.addAll(topic.types());
                topic = new DataTopic(topic.topic(), known.dataObject(), List.copyOf(types));
            }
            dataTopics.put(topic.topic(), topic);
            dataTopicsDone.remove(topic.topic());
        }
        if (client == null || !running) {
            return;
        }
        List<String> refused = new ArrayList<>();
        try {
            if (registerDataTopics(refused)) {
                ConfigSnapshot snapshot = client.fetch(0, Duration.ofMillis(config.getLong(CONTROL_PLANE_REQUEST_TIMEOUT_MS)));
                if (snapshot != null) {
                    apply(snapshot, false);
                }
            }
        } catch (RuntimeException e) {
            registrationWanted = true;
            log.warn("Topic {} of data object {} not registered yet, retrying: {}", topic.topic(), topic.dataObject(), e.getMessage());
        }
        if (!refused.isEmpty()) {
            throw new HeraldConfigException(String.join("; ", refused));
        }
    }

    private void pollLoop() {
        PollBackoff backoff = new PollBackoff(config.getLong(CONTROL_PLANE_RETRY_BACKOFF_MS),
                config.getLong(CONTROL_PLANE_RETRY_BACKOFF_MAX_MS), config.getLong(CONTROL_PLANE_POLL_JITTER_MS));
        while (running) {
            try {
                List<String> refused = new ArrayList<>();
                boolean topicsRegistered = registerDataTopics(refused);
                refused.forEach(r -> log.error("Data events cannot be published: {}", r));
                if (registerPending() | topicsRegistered) {
                    // Pick up the bindings just created right away rather than after the next change.
                    ConfigSnapshot now = client.fetch(0, Duration.ofMillis(config.getLong(CONTROL_PLANE_REQUEST_TIMEOUT_MS)));
                    markReachable();
                    if (now != null) {
                        apply(now, false);
                    }
                }
                if (!reachable) {
                    // Back after an outage: fetch the current snapshot at once instead of long-polling first.
                    ConfigSnapshot now = client.fetch(0, Duration.ofMillis(config.getLong(CONTROL_PLANE_REQUEST_TIMEOUT_MS)));
                    markReachable();
                    if (now != null && now.version() != appliedVersion) {
                        apply(now, false);
                    }
                }
                ConfigSnapshot snapshot = client.fetch(pollSince(),
                        Duration.ofMillis(config.getLong(CONTROL_PLANE_REQUEST_TIMEOUT_MS)));
                if (snapshot != null && snapshot.version() != appliedVersion) {
                    apply(snapshot, false);
                }
                sleep(backoff.afterAnswer());
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                long retryAfter = e instanceof ControlPlaneClient.Overloaded o ? o.retryAfterMillis() : -1;
                long wait = backoff.afterFailure(retryAfter);
                if (e instanceof ControlPlaneClient.Overloaded && reachable) {
                    // it answered: at capacity (or limiting us), not down; the config in use stays current until it changes
                    log.atLevel(backoff.failures() == 1 ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
                            .log("Control plane refused the config poll, polling again in {} ms: {}", wait, e.getMessage());
                } else if (reachable) {
                    log.warn("Control plane unreachable, running on config version {}; polling again in {} ms: {}", appliedVersion,
                            wait, e.getMessage());
                    reachable = false;
                } else {
                    log.debug("Control plane still unreachable, polling again in {} ms: {}", wait, e.getMessage());
                }
                sleep(wait);
            }
        }
    }

    private void markReachable() {
        if (!reachable) {
            reachable = true;
            log.info("Control plane reachable again");
            heartbeats.execute(this::heartbeat);
        }
    }

    /**
     * Registers the declared data objects' topics the catalog does not have as they need them.
     *
     * @param refused collects, per topic, why the control plane will not have it (it stays unregistered)
     * @return whether the catalog changed
     * @throws ControlPlaneClient.ControlPlaneException when the control plane cannot be reached (retried later)
     */
    private synchronized boolean registerDataTopics(List<String> refused) {
        boolean changed = false;
        for (DataTopic d : List.copyOf(dataTopics.values())) {
            if (dataTopicsDone.contains(d.topic())) {
                continue;
            }
            try {
                changed |= registerDataTopic(d);
                dataTopicsDone.add(d.topic());
            } catch (Refused e) {
                dataTopicsDone.add(d.topic());
                refused.add(e.getMessage());
            }
        }
        return changed;
    }

    /** A data object's topic the control plane will not create or complete for this app. */
    private static final class Refused extends Exception {
        Refused(DataTopic d, String reason) {
            super("topic '" + d.topic() + "' of @DataObject " + d.dataObject() + " " + reason, null, false, false);
        }
    }

    /** @return whether the catalog changed */
    private boolean registerDataTopic(DataTopic d) throws Refused {
        String app = config.app();
        ConfigSnapshot snapshot = current;
        if (snapshot != null) {
            for (io.herald.sdk.wire.TopicConfig t : snapshot.topics()) {
                if (t.name().equals(d.topic()) && t.canProduce()
                    && t.types().stream().map(io.herald.sdk.wire.MessageTypeConfig::name).toList().containsAll(d.types())) {
                    return false;
                }
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            ControlPlaneClient.TopicInfo topic;
            try {
                topic = client.topic(d.topic());
            } catch (ControlPlaneClient.Forbidden e) {
                throw new Refused(d, "cannot be read by app '" + app + "' (403): " + e.getMessage());
            }
            if (topic == null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", d.topic());
                body.put("app", app);
                body.put("description", "Data events of " + d.dataObject() + " (@DataObject), registered by the Herald SDK");
                body.put("types", d.types().stream().map(t -> Map.of("name", t)).toList());
                // a topic Kafka has but the catalog does not (auto-created before, or Koper's) is taken over
                body.put("adopt", true);
                ControlPlaneClient.Answer answer = client.createTopic(body);
                if (answer.ok()) {
                    log.info("Topic {} of data object {} created in the catalog and in Kafka for app '{}' with types {}",
                            d.topic(), d.dataObject(), app, d.types());
                    return true;
                }
                if (answer.status() == 409 && attempt < 2) {
                    continue; // another instance created it meanwhile: look again
                }
                throw new Refused(d, "could not be created for app '" + app + "': " + answer.status() + " " + answer.problem());
            }
            List<String> missing = d.types().stream().filter(t -> !topic.types().contains(t)).toList();
            if (!app.equals(topic.app())) {
                boolean producer = topic.producers().contains(app);
                if (producer && missing.isEmpty()) {
                    return false;
                }
                throw new Refused(d, "belongs to app '" + topic.app() + "'"
                        + (producer ? ", which has not declared the types " + missing + " its calls publish"
                                    : " and app '" + app + "' is not one of its producers")
                        + ": only the owner may " + (producer ? "declare them" : "add producers")
                        + "; give the data object a name of its own with @DataObject(name = ...), or have app '" + topic.app() + "' "
                        + (producer ? "declare " + missing : "add '" + app + "' to the topic's producers"
                                + (missing.isEmpty() ? "" : " and declare " + missing)));
            }
            boolean added = false;
            for (String type : missing) {
                ControlPlaneClient.Answer answer = client.addType(d.topic(), type);
                if (answer.ok()) {
                    added = true;
                } else if (answer.status() != 409) {
                    throw new Refused(d, "could not get type '" + type + "': " + answer.status() + " " + answer.problem());
                }
            }
            if (added) {
                log.info("Topic {} of data object {}: declared types {}", d.topic(), d.dataObject(), missing);
            }
            return added;
        }
        throw new Refused(d, "could not be registered: it was created and removed again while Herald registered it");
    }

    /** @return whether any registration succeeded */
    private synchronized boolean registerPending() {
        registrationWanted = false;
        boolean any = false;
        boolean forbidden = false;
        for (Endpoint endpoint : registry.endpoints()) {
            if (endpoint.registration() != Endpoint.Registration.PENDING) {
                continue;
            }
            if (endpoint.bindingId() != null) {
                // The snapshot already has a binding for it, possibly changed in the console since it was
                // declared: registering the code's version again would create a second binding.
                endpoint.registered(null, appliedVersion);
                continue;
            }
            ControlPlaneClient.Registration r = client.register(registrationBody(endpoint));
            switch (r.result()) {
                case CREATED, EXISTS -> {
                    endpoint.registered(r.id(), appliedVersion);
                    any = true;
                    log.info("Binding {} {} in the control plane{}", endpoint,
                            r.result() == ControlPlaneClient.RegistrationResult.CREATED ? "registered" : "already registered",
                            r.id() == null ? "" : " as binding id " + r.id());
                }
                case REJECTED -> {
                    endpoint.rejected();
                    log.warn("Control plane rejected binding {} ({}); it runs with the settings from code", endpoint, r.problem());
                }
                case FORBIDDEN -> {
                    endpoint.forbidden();
                    groupConflicts.add("listener on topic '" + endpoint.topic() + "' (consumer group '" + endpoint.group()
                            + "') refused by the control plane (403): " + r.problem());
                    log.error("Binding {} refused by the control plane, not consumed: {}", endpoint, r.problem());
                    forbidden = true;
                }
                case GROUP_TAKEN -> {
                    endpoint.rejected();
                    groupConflicts.add("consumer group '" + endpoint.group() + "' (listener on topic '" + endpoint.topic()
                            + "') belongs to another app in the catalog; give this listener a group of app '" + config.app() + "'");
                    log.error("Binding {} refused: consumer group '{}' belongs to another app ({})", endpoint, endpoint.group(),
                            r.problem());
                }
            }
        }
        if (forbidden) {
            registry.refresh(); // a listener added after start ran on the code's settings until now: it stops
        }
        return any;
    }

    private Map<String, Object> registrationBody(Endpoint endpoint) {
        EffectiveBinding b = EffectiveBinding.fromCode(endpoint.declared(), endpoint.group(), config);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", config.app());
        body.put("group", endpoint.group());
        body.put("topic", endpoint.topic());
        body.put("kind", b.kind().name());
        body.put("typePattern", b.typePattern());
        body.put("deliveryLimit", b.deliveryLimit());
        body.put("backoffMillis", b.backoffMillis());
        body.put("backoffMultiplier", b.backoffMultiplier());
        body.put("backoffMaxMillis", b.backoffMaxMillis());
        body.put("expiryMillis", b.expiryMillis());
        body.put("paused", false);
        body.put("concurrency", b.concurrency());
        if (b.dedupeWindowMillis() > 0) {
            body.put("dedupeWindowMillis", b.dedupeWindowMillis());
        }
        return body;
    }

    private synchronized void apply(ConfigSnapshot snapshot, boolean fromCache) {
        if (!config.app().equals(snapshot.app()) && snapshot.app() != null) {
            log.warn("Ignoring a config snapshot for app '{}' (this is '{}')", snapshot.app(), config.app());
            return;
        }
        String problem = problem(snapshot);
        if (problem == null) {
            try {
                applier.accept(snapshot);
            } catch (RuntimeException e) {
                problem = "applying it failed: " + e;
                restore(snapshot);
            }
        }
        if (problem != null) {
            String error = cut("Config version " + snapshot.version() + " not applied, running on version " + appliedVersion
                    + ": " + problem);
            if (!error.equals(applyError)) {
                log.error("{}", error);
            }
            applyErrorVersion = snapshot.version();
            applyError = error;
            return;
        }
        applyErrorVersion = null;
        applyError = null;
        for (String blocked : snapshot.blocked()) {
            if (blockedLogged.add(blocked)) {
                log.error("Not consuming: {}", blocked);
            }
        }
        blockedLogged.retainAll(snapshot.blocked());
        current = snapshot;
        appliedVersion = snapshot.version();
        if (!fromCache) {
            cache.store(snapshot);
            log.info("Applied config version {}", snapshot.version());
        }
    }

    /**
     * What in {@code snapshot} this SDK cannot run, checked before anything of it is applied (so the
     * last good snapshot keeps running untouched), or null: a REGEX binding whose type pattern does not
     * compile in Java (the control plane checks patterns too, but another engine or an older server may
     * have let it through), a dead-letter topic Kafka would refuse as a name (no record could be written
     * to it).
     */
    static String problem(ConfigSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        for (io.herald.sdk.wire.BindingConfig b : snapshot.bindings()) {
            if (b.deadLetterTopic() != null && !b.deadLetterTopic().isEmpty()) {
                try {
                    org.apache.kafka.common.internals.Topic.validate(b.deadLetterTopic());
                } catch (org.apache.kafka.common.errors.InvalidTopicException e) {
                    problems.add("binding " + b.id() + " (group '" + b.group() + "' on topic '" + b.topic()
                            + "'): dead-letter topic cannot be written: " + e.getMessage());
                }
            }
            if ("REGEX".equals(b.kind())) {
                try {
                    java.util.regex.Pattern.compile(b.typePattern() == null ? "" : b.typePattern());
                } catch (java.util.regex.PatternSyntaxException e) {
                    problems.add("binding " + b.id() + " (group '" + b.group() + "' on topic '" + b.topic()
                            + "'): type pattern does not compile in Java: " + e.getMessage());
                }
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** Puts the last good snapshot back after {@code failed} failed half-way through. */
    private void restore(ConfigSnapshot failed) {
        ConfigSnapshot good = current;
        if (good == null) {
            return;
        }
        try {
            applier.accept(good);
        } catch (RuntimeException e) {
            log.error("Could not go back to config version {} after version {} failed", good.version(), failed.version(), e);
        }
    }

    static String cut(String error) {
        if (error.length() <= Heartbeat.MAX_APPLY_ERROR) {
            return error;
        }
        int end = Heartbeat.MAX_APPLY_ERROR - 1;
        if (Character.isHighSurrogate(error.charAt(end - 1))) {
            end--;
        }
        return error.substring(0, end) + "…";
    }

    private void heartbeat() {
        try {
            client.heartbeat(new Heartbeat(config.app(), instanceId, host, sdkVersion, appliedVersion, transactionChecker,
                    applyErrorVersion, applyError));
        } catch (RuntimeException e) {
            log.debug("Heartbeat failed: {}", e.getMessage());
        }
    }

    private void sleep(long millis) {
        synchronized (wakeLock) {
            long deadline = System.currentTimeMillis() + millis;
            long left;
            while (running && !registrationWanted && (left = deadline - System.currentTimeMillis()) > 0) {
                try {
                    wakeLock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Stops polling and heartbeats. A heartbeat already on its way is let finish (bounded), so it cannot
     * reach the control plane after {@link #deregister()} and register the instance again.
     */
    @Override
    public void close() {
        running = false;
        synchronized (wakeLock) {
            wakeLock.notifyAll();
        }
        if (heartbeats != null) {
            heartbeats.shutdown();
            try {
                if (!heartbeats.awaitTermination(DEREGISTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    heartbeats.shutdownNow();
                }
            } catch (InterruptedException e) {
                heartbeats.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (pollThread != null) {
            pollThread.interrupt();
            try {
                pollThread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Leaves the control plane's instance registry (after {@link #close()}), so the console stops
     * counting this instance as online at once. Unreachable: logged; the control plane then forgets
     * the instance after {@code herald.push.forget-after}.
     */
    public void deregister() {
        if (client == null || pollThread == null) {
            return;
        }
        try {
            if (client.deregister(instanceId, DEREGISTER_TIMEOUT)) {
                log.info("Instance {} deregistered from the control plane", instanceId);
            } else {
                log.debug("Instance {} was not registered with the control plane", instanceId);
            }
        } catch (RuntimeException e) {
            log.warn("Instance {} could not deregister ({}); the control plane shows it as stale until it forgets it",
                    instanceId, e.getMessage());
        }
    }
}
