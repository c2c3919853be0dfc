package io.herald.sdk.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Herald's Micrometer meters, tagged by topic, type and (for consuming) group. Meters are looked
 * up once per (topic, type[, group]) and cached, so the hot path only increments.
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
    public static final String CONSUMER_LAG = "herald.consumer.lag";

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
            meters = byType.computeIfAbsent(type, t -> registry == null ? SendMeters.NOOP : new SendMeters(
                    Counter.builder(SENT).description("Messages acknowledged by the broker").tags("app", app, "topic", topic, "type", t).register(registry),
                    Timer.builder(SEND_LATENCY).description("Time from send to broker acknowledgement").tags("app", app, "topic", topic, "type", t).register(registry),
                    registry, app, topic, t));
        }
        return meters;
    }

    /** Meters of one (topic, group); consumers cache the result per type. */
    public ConsumeMeters consume(String topic, String type, String group) {
        if (registry == null) {
            return ConsumeMeters.NOOP;
        }
        String[] tags = {"app", app, "topic", topic, "type", type, "group", group};
        return new ConsumeMeters(
                Counter.builder(RECEIVED).description("Messages handed to a binding").tags(tags).register(registry),
                Counter.builder(HANDLED).description("Messages whose handler returned").tags(tags).register(registry),
                Timer.builder(HANDLING_TIME).description("Time spent in the handler").tags(tags).register(registry),
                Counter.builder(FAILED).description("Handler failures (each attempt)").tags(tags).register(registry),
                Counter.builder(RETRIED).description("Retries scheduled after a failure").tags(tags).register(registry),
                registry, tags);
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

    public static final class SendMeters {
        static final SendMeters NOOP = new SendMeters(null, null, null, null, null, null);
        private final Counter sent;
        private final Timer latency;
        private final MeterRegistry registry;
        private final String app;
        private final String topic;
        private final String type;

        SendMeters(Counter sent, Timer latency, MeterRegistry registry, String app, String topic, String type) {
            this.sent = sent;
            this.latency = latency;
            this.registry = registry;
            this.app = app;
            this.topic = topic;
            this.type = type;
        }

        public void sent(long startNanos) {
            if (sent != null) {
                sent.increment();
                latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
        }

        public void error(Throwable error) {
            if (registry != null) {
                registry.counter(SEND_ERRORS, "app", app, "topic", topic, "type", type,
                        "exception", error.getClass().getSimpleName()).increment();
            }
        }
    }

    public static final class ConsumeMeters {
        static final ConsumeMeters NOOP = new ConsumeMeters(null, null, null, null, null, null, null);
        private final Counter received;
        private final Counter handled;
        private final Timer handlingTime;
        private final Counter failed;
        private final Counter retried;
        private final MeterRegistry registry;
        private final String[] tags;

        ConsumeMeters(Counter received, Counter handled, Timer handlingTime, Counter failed, Counter retried,
                      MeterRegistry registry, String[] tags) {
            this.received = received;
            this.handled = handled;
            this.handlingTime = handlingTime;
            this.failed = failed;
            this.retried = retried;
            this.registry = registry;
            this.tags = tags;
        }

        public void received() {
            if (received != null) {
                received.increment();
            }
        }

        public void handled(long nanos) {
            if (handled != null) {
                handled.increment();
                handlingTime.record(nanos, TimeUnit.NANOSECONDS);
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
                String[] withReason = java.util.Arrays.copyOf(tags, tags.length + 2);
                withReason[tags.length] = "reason";
                withReason[tags.length + 1] = reason;
                registry.counter(DEAD_LETTERED, withReason).increment();
            }
        }
    }
}
