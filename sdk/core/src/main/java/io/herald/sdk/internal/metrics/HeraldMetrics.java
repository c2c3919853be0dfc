package io.herald.sdk.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Herald's Micrometer meters, tagged by topic, type and (for consuming) group.
 *
 * <p>The per-message meters are function meters over {@link LongAdder}s: the hot path only adds
 * to an adder, the registry reads the sums when it publishes. A regular {@code Timer} costs a
 * clock read and a compare-and-set loop for its max per record, which showed up at several
 * percent of the listener's time in the benchmark; handling time and send latency are therefore
 * {@code FunctionTimer}s (count and total, no max).
 */
public final class HeraldMetrics {

    public static final String SENT = "herald.messages.sent";
    public static final String SEND_LATENCY = "herald.send.latency";
    public static final String SEND_ERRORS = "herald.send.errors";
    public static final String RECEIVED = "herald.messages.received";
    public static final String HANDLED = "herald.messages.handled";
    public static final String HANDLING_TIME = "herald.handling.time";
    public static final String FAILED = "herald.messages.failed";
    public static final String RETRIED = "herald.messages.retried";
    public static final String DEAD_LETTERED = "herald.messages.dead-lettered";
    public static final String DUPLICATES = "herald.messages.duplicates";
    public static final String CONSUMER_LAG = "herald.consumer.lag";
    public static final String DATA_EVENTS_FAILED = "herald.data-events.failed";

    private final MeterRegistry registry;
    private final String app;
    private final Map<String, Map<String, SendMeters>> send = new ConcurrentHashMap<>();
    private final List<Meter> gauges = new ArrayList<>();

    /** @param registry {@code null} for no metrics */
    public HeraldMetrics(MeterRegistry registry, String app) {
        this.registry = registry;
        this.app = app;
    }

    public SendMeters send(String topic, String type) {
        Map<String, SendMeters> byType = send.get(topic);
        if (byType == null) {
            byType = send.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        }
        SendMeters meters = byType.get(type);
        if (meters == null) {
            meters = byType.computeIfAbsent(type, t -> registry == null ? SendMeters.NOOP
                    : new SendMeters(registry, Tags.of("app", app, "topic", topic, "type", t)));
        }
        return meters;
    }

    /** Meters of one (topic, type, group); callers cache the result. */
    public ConsumeMeters consume(String topic, String type, String group) {
        return registry == null ? ConsumeMeters.NOOP
                : new ConsumeMeters(registry, Tags.of("app", app, "topic", topic, "type", type, "group", group));
    }

    /** A record dropped as a repeat of a message id the group handled within its binding's dedupe window. */
    public void duplicate(String topic, String group) {
        if (registry != null) {
            registry.counter(DUPLICATES, Tags.of("app", app, "group", group, "topic", topic)).increment();
        }
    }

    /** A data event that could not be published (the DAO call kept its own outcome). */
    public void dataEventFailed(String topic, String type, Throwable error) {
        if (registry != null) {
            registry.counter(DATA_EVENTS_FAILED, Tags.of("app", app, "topic", topic, "type", type, "exception",
                    error.getClass().getSimpleName())).increment();
        }
    }

    public <T> void lagGauge(String topic, String group, T obj, ToDoubleFunction<T> lag) {
        if (registry == null) {
            return;
        }
        synchronized (gauges) {
            gauges.add(Gauge.builder(CONSUMER_LAG, obj, lag).description("Records not yet consumed by this instance")
                    .tags("app", app, "topic", topic, "type", "*", "group", group).register(registry));
        }
    }

    public void removeLagGauge(String topic, String group) {
        if (registry == null) {
            return;
        }
        synchronized (gauges) {
            gauges.removeIf(g -> {
                if (topic.equals(g.getId().getTag("topic")) && group.equals(g.getId().getTag("group"))) {
                    registry.remove(g);
                    return true;
                }
                return false;
            });
        }
    }

    private static LongAdder counter(MeterRegistry registry, String name, String description, Tags tags) {
        LongAdder adder = new LongAdder();
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(description).tags(tags).register(registry);
        return adder;
    }

    public static final class SendMeters {
        static final SendMeters NOOP = new SendMeters(null, null);
        private final LongAdder sent;
        private final LongAdder latencyNanos;
        private final MeterRegistry registry;
        private final Tags tags;

        SendMeters(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
            if (registry == null) {
                sent = null;
                latencyNanos = null;
                return;
            }
            sent = counter(registry, SENT, "Messages acknowledged by the broker", tags);
            latencyNanos = new LongAdder();
            FunctionTimer.builder(SEND_LATENCY, this, m -> m.sent.longValue(), m -> m.latencyNanos.doubleValue(),
                    TimeUnit.NANOSECONDS).description("Time from send to broker acknowledgement").tags(tags).register(registry);
        }

        public void sent(long startNanos) {
            if (sent != null) {
                latencyNanos.add(System.nanoTime() - startNanos);
                sent.increment();
            }
        }

        public void error(Throwable error) {
            if (registry != null) {
                registry.counter(SEND_ERRORS, tags.and("exception", error.getClass().getSimpleName())).increment();
            }
        }
    }

    public static final class ConsumeMeters {
        static final ConsumeMeters NOOP = new ConsumeMeters(null, null);
        private final LongAdder received;
        private final LongAdder handled;
        private final LongAdder handlingNanos;
        private final LongAdder failed;
        private final LongAdder retried;
        private final MeterRegistry registry;
        private final Tags tags;

        ConsumeMeters(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
            if (registry == null) {
                received = handled = handlingNanos = failed = retried = null;
                return;
            }
            received = counter(registry, RECEIVED, "Messages handed to a binding", tags);
            handled = counter(registry, HANDLED, "Messages whose handler returned", tags);
            failed = counter(registry, FAILED, "Handler failures (each attempt)", tags);
            retried = counter(registry, RETRIED, "Retries scheduled after a failure", tags);
            handlingNanos = new LongAdder();
            FunctionTimer.builder(HANDLING_TIME, this, m -> m.handled.longValue(), m -> m.handlingNanos.doubleValue(),
                    TimeUnit.NANOSECONDS).description("Time spent in the handler").tags(tags).register(registry);
        }

        public void received() {
            if (received != null) {
                received.increment();
            }
        }

        public void handled(long nanos) {
            if (handled != null) {
                handlingNanos.add(nanos);
                handled.increment();
            }
        }

        public void failed() {
            if (failed != null) {
                failed.increment();
            }
        }

        public void retried() {
            if (retried != null) {
                retried.increment();
            }
        }

        public void deadLettered(String reason) {
            if (registry != null) {
                registry.counter(DEAD_LETTERED, tags.and("reason", reason)).increment();
            }
        }
    }
}
