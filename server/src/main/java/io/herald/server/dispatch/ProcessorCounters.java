package io.herald.server.dispatch;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one processor's pushes came to on this instance, kept across worker restarts: counts, the
 * last answer, what is under way. Exported with a {@code processor} (consumer group) label and
 * shown live on the processor's console page.
 */
final class ProcessorCounters {

    final AtomicLong pushed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile String lastStatus;
    volatile String lastError;
    volatile Instant lastAt;
    volatile long retryUntilMillis;

    ProcessorCounters(MeterRegistry meters, long processorId, String group, String topic) {
        Tags tags = Tags.of("processor", group, "topic", topic, "processor_id", String.valueOf(processorId));
        FunctionCounter.builder("herald.dispatch.processor.pushed", pushed, AtomicLong::get)
                .description("Events a processor's endpoint took").tags(tags).register(meters);
        FunctionCounter.builder("herald.dispatch.processor.failed", failed, AtomicLong::get)
                .description("Failed attempts (each retry counts)").tags(tags).register(meters);
        FunctionCounter.builder("herald.dispatch.processor.dead.lettered", deadLettered, AtomicLong::get)
                .description("Events sent to the processor's dead-letter topic").tags(tags).register(meters);
        FunctionCounter.builder("herald.dispatch.processor.cancelled", cancelled, AtomicLong::get)
                .description("Events the endpoint cancelled").tags(tags).register(meters);
        Gauge.builder("herald.dispatch.processor.in.flight", inFlight, AtomicInteger::get)
                .description("Events being pushed right now").tags(tags).register(meters);
    }

    void succeeded(String status) {
        pushed.incrementAndGet();
        lastStatus = status;
        lastAt = Instant.now();
        retryUntilMillis = 0;
    }

    void attemptFailed(String status, String error, long retryWaitMillis) {
        failed.incrementAndGet();
        lastStatus = status;
        lastError = error;
        lastAt = Instant.now();
        retryUntilMillis = retryWaitMillis > 0 ? System.currentTimeMillis() + retryWaitMillis : 0;
    }

    ProcessorStats stats() {
        return new ProcessorStats(pushed.get(), failed.get(), deadLettered.get(), cancelled.get(), inFlight.get(), lastStatus, lastError, lastAt,
                Math.max(0, retryUntilMillis - System.currentTimeMillis()));
    }
}
