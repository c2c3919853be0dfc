package io.herald.server.dispatch;

import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.catalog.HeardVersion;
import io.herald.server.catalog.ProcessorProtocol;
import io.herald.server.catalog.ProcessorService;
import io.herald.server.catalog.ProcessorView;
import io.herald.server.egress.EgressPolicy;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import io.herald.server.security.Caller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance's push workers in line with the catalog: one {@link GroupWorker} per
 * consumer group and topic that has HTTP processors, started, restarted with new settings,
 * paused and stopped as processors and bindings change (checked every {@code herald.dispatch.reconcile},
 * work only when the config version moved). Every instance runs the same workers; Kafka's group
 * protocol spreads the partitions over them, so push capacity grows with instances.
 *
 * <p>A paused processor pauses its whole group-and-topic worker: the group's committed offsets
 * are shared, so pushing on for the other bindings would move past records the paused one has not had.
 */
@Component
public class DispatchSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DispatchSupervisor.class);

    private final ProcessorService processors;
    private final BindingService bindings;
    private final HeardVersion versions;
    private final KafkaClientConfig kafka;
    private final EventPublisher publisher;
    private final KafkaProvisioner provisioner;
    private final DispatchProperties props;
    private final EgressPolicy egress;
    private final Map<String, GroupWorker> workers = new HashMap<>();
    private final Map<Long, ProcessorCounters> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final io.herald.server.catalog.TopicService topics;
    private final io.herald.server.trace.TraceProperties trace;
    /** The dispatcher's timepoints, sampled by this: the server's default rate and budget, and the processors' topics' own rates. */
    private volatile io.herald.sdk.wire.TracingConfig tracing;
    private io.herald.sdk.internal.trace.Tracer tracer;
    private final io.herald.server.egress.GrpcTargets grpcTargets;
    private volatile boolean running;
    private Thread thread;
    private long seenVersion = -1;

    DispatchSupervisor(ProcessorService processors, BindingService bindings, HeardVersion versions, KafkaClientConfig kafka,
                       EventPublisher publisher, KafkaProvisioner provisioner, DispatchProperties props, MeterRegistry meters,
                       io.herald.server.trace.TraceProperties trace, EgressPolicy egress,
                       io.herald.server.catalog.TopicService topics, io.herald.server.egress.GrpcTargets grpcTargets) {
        this.grpcTargets = grpcTargets;
        this.egress = egress;
        this.topics = topics;
        this.trace = trace;
        this.tracing = new io.herald.sdk.wire.TracingConfig(trace.defaultSampleRate(), Map.of(), trace.maxSampledPerSecond());
        this.processors = processors;
        this.bindings = bindings;
        this.versions = versions;
        this.kafka = kafka;
        this.publisher = publisher;
        this.provisioner = provisioner;
        this.props = props;
        this.meters = meters;
        Gauge.builder("herald.dispatch.workers", this, s -> s.count()).description("Push workers running on this instance")
                .register(meters);
        Gauge.builder("herald.dispatch.pushed", this, s -> s.sum(true)).description("Records pushed by this instance's workers")
                .register(meters);
        Gauge.builder("herald.dispatch.dead.lettered", this, s -> s.sum(false))
                .description("Records this instance's workers sent to dead-letter topics").register(meters);
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            return;
        }
        running = true;
        tracer = new io.herald.sdk.internal.trace.Tracer("herald-dispatch", "herald-dispatch", 65_536,
                () -> tracing, null, new DispatchTraceSink(kafka.base(), trace.topic()), meters)
                .perRecord(256).linger(java.time.Duration.ofMillis(100));
        thread = new Thread(this::loop, "herald-dispatch-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (workers) {
            workers.values().forEach(GroupWorker::stop);
            workers.clear();
        }
        if (tracer != null) {
            tracer.close(java.time.Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private void loop() {
        while (running) {
            try {
                long version = versions.version(); // changes heard: re-read the routes after each
                boolean deadWorker;
                synchronized (workers) {
                    deadWorker = workers.values().stream().anyMatch(w -> !w.alive());
                }
                if (version != seenVersion || deadWorker) {
                    Map<String, List<Route>> desired = desired();
                    tracing = tracing(desired);
                    reconcile(desired);
                    seenVersion = version;
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Cannot follow processors in the catalog yet: {}", e.toString());
                }
            }
            LockSupport.parkNanos(props.reconcile().toNanos());
        }
    }

    /** The routes that should run now, by group and topic; a group with a paused processor runs none. */
    Map<String, List<Route>> desired() {
        Map<Long, BindingView> byId = new HashMap<>();
        for (BindingView b : bindings.list(Caller.SYSTEM, null, null, null)) {
            byId.put(b.id(), b);
        }
        Map<String, List<Route>> out = new LinkedHashMap<>();
        Map<String, Boolean> paused = new HashMap<>();
        for (ProcessorView p : processors.list(Caller.SYSTEM, null)) {
            BindingView b = byId.get(p.bindingId());
            if (b == null || b.blocked()) {
                continue; // a blocked binding's topic no longer grants its app: nothing of it is pushed
            }
            String key = b.group() + "\u0000" + b.topic();
            if (p.paused() || b.paused()) {
                paused.put(key, true);
                continue;
            }
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(new Route(p.id(), b.id(), b.app(), b.group(), b.topic(), b.kind(),
                    b.typePattern(), p.address(), p.timeoutMillis(), p.retryIntervalMillis(), p.retryCount(), p.retryExponential(),
                    p.retryStatusCodes(), p.concurrency(), p.ratePerSecond(), b.deadLetterTopic(), p.protocol(), p.passBack(),
                    p.processingDelayMillis(), p.startPosition()));
        }
        paused.keySet().forEach(out::remove);
        out.values().forEach(l -> l.sort(Comparator.comparingLong(Route::processorId)));
        return out;
    }

    /** The sampling of the processors' topics: each one's own trace sample rate where it has one. */
    private io.herald.sdk.wire.TracingConfig tracing(Map<String, List<Route>> desired) {
        Map<String, Double> rates = new HashMap<>();
        for (List<Route> routes : desired.values()) {
            String topic = routes.get(0).topic();
            if (!rates.containsKey(topic)) {
                Double rate;
                try {
                    rate = topics.get(topic, false).traceSampleRate();
                } catch (RuntimeException e) {
                    rate = null; // a topic deleted meanwhile: its worker goes at the next reconcile
                }
                rates.put(topic, rate);
            }
        }
        rates.values().removeIf(Objects::isNull);
        return new io.herald.sdk.wire.TracingConfig(trace.defaultSampleRate(), rates, trace.maxSampledPerSecond());
    }

    private void reconcile(Map<String, List<Route>> desired) {
        synchronized (workers) {
            for (var it = workers.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                List<Route> want = desired.get(e.getKey());
                if (want == null || !Objects.equals(want, e.getValue().routes()) || !e.getValue().alive()) {
                    log.info("Stopping push worker for group/topic {}", e.getKey().replace('\u0000', '/'));
                    e.getValue().stop();
                    it.remove();
                }
            }
            desired.forEach((key, routes) -> {
                if (!workers.containsKey(key)) {
                    Route first = routes.get(0);
                    log.info("Starting push worker for group {} on topic {} ({} processor(s))", first.group(), first.topic(), routes.size());
                    GroupWorker w = new GroupWorker(first.group(), first.topic(), routes, kafka, publisher, provisioner, props, egress,
                            r -> counters.computeIfAbsent(r.processorId(), id -> new ProcessorCounters(meters, id, r.group(), r.topic())),
                            tracer, grpcTargets);
                    workers.put(key, w);
                    w.start();
                }
            });
        }
    }

    /** What the processor's pushes came to on this instance, or empty when this instance has not pushed for it. */
    public java.util.Optional<ProcessorStats> stats(long processorId) {
        ProcessorCounters c = counters.get(processorId);
        return c == null ? java.util.Optional.empty() : java.util.Optional.of(c.stats());
    }

    /** Is a worker of this instance pushing for the processor right now? */
    boolean isPushing(long processorId) {
        synchronized (workers) {
            return workers.values().stream().anyMatch(w -> w.alive() && w.routes().stream().anyMatch(r -> r.processorId() == processorId));
        }
    }

    private int count() {
        synchronized (workers) {
            return workers.size();
        }
    }

    private long sum(boolean pushed) {
        synchronized (workers) {
            return workers.values().stream().mapToLong(w -> pushed ? w.pushed.get() : w.deadLettered.get()).sum();
        }
    }
}
