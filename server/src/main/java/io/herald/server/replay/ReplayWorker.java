package io.herald.server.replay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs replay jobs on this server instance: looks for a job nobody holds every claim interval, and
 * copies up to {@code herald.replay.max-jobs} at once. Every instance does the same; the lease in
 * PostgreSQL decides who copies which job, and a job whose instance died is taken over once its
 * lease runs out. Stopping hands running jobs back at once, with their progress stored.
 */
@Component
class ReplayWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplayWorker.class);

    private final ReplayJobs jobs;
    private final ReplayKafka kafka;
    private final ReplayProperties props;
    private final TransactionTemplate tx;
    private final Counter copied;
    private final Counter written;
    private final String instance;
    private final Map<Long, Boolean> running = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean stopping;
    private ScheduledExecutorService claimer;
    private ExecutorService copiers;

    ReplayWorker(ReplayJobs jobs, ReplayKafka kafka, ReplayProperties props, TransactionTemplate tx, MeterRegistry meters) {
        this.jobs = jobs;
        this.kafka = kafka;
        this.props = props;
        this.tx = tx;
        this.copied = Counter.builder("herald.replay.records.copied")
                .description("Source records copied by replay jobs, each once (progress stored)").register(meters);
        this.written = Counter.builder("herald.replay.records.written")
                .description("Records replay jobs wrote to their targets, including those written again after a crash").register(meters);
        Gauge.builder("herald.replay.jobs.running", active, AtomicInteger::get)
                .description("Replay jobs this instance is copying").register(meters);
        this.instance = host() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "herald";
        }
    }

    /** This instance's name in {@code owner}. */
    String instance() {
        return instance;
    }

    @Override
    public synchronized void start() {
        if (claimer != null || !props.enabled()) {
            return;
        }
        stopping = false;
        copiers = Executors.newFixedThreadPool(props.maxJobs(), r -> {
            Thread t = new Thread(r, "herald-replay-copy");
            t.setDaemon(true);
            return t;
        });
        claimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-replay-claim");
            t.setDaemon(true);
            return t;
        });
        claimer.scheduleWithFixedDelay(this::claim, props.claimInterval().toMillis(), props.claimInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        claimer.scheduleWithFixedDelay(this::cleanUp, 1, 60, TimeUnit.MINUTES);
    }

    /** Looks for work now instead of at the next interval (a job was just created here). */
    void wake() {
        ScheduledExecutorService c = claimer;
        if (c != null && !stopping) {
            try {
                c.execute(this::claim);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    private void claim() {
        try {
            while (!stopping && active.get() < props.maxJobs()) {
                Optional<Long> id = jobs.claim(instance, props.lease());
                if (id.isEmpty()) {
                    return;
                }
                active.incrementAndGet();
                running.put(id.get(), true);
                copiers.execute(() -> {
                    try {
                        new ReplayCopy(id.get(), instance, jobs, kafka, props, tx, copied, written, () -> stopping).run();
                    } catch (RuntimeException | LinkageError e) {
                        log.warn("Replay job {} stopped unexpectedly; its lease runs out and it is taken up again: {}", id.get(), e.toString());
                    } finally {
                        running.remove(id.get());
                        active.decrementAndGet();
                    }
                });
            }
        } catch (RuntimeException e) {
            log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Looking for replay jobs failed (retrying in {}): {}", props.claimInterval(), e.toString());
        }
    }

    private void cleanUp() {
        try {
            int deleted = jobs.deleteFinishedBefore(props.keepFinished());
            if (deleted > 0) {
                log.info("Deleted {} replay job(s) finished more than {} ago", deleted, props.keepFinished());
            }
        } catch (RuntimeException e) {
            log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Deleting old replay jobs failed (retrying in an hour): {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        stopping = true;
        if (claimer != null) {
            claimer.shutdownNow();
            claimer = null;
        }
        if (copiers != null) {
            copiers.shutdown();
            try {
                if (!copiers.awaitTermination(15, TimeUnit.SECONDS)) {
                    copiers.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            copiers = null;
        }
    }

    @Override
    public boolean isRunning() {
        return claimer != null;
    }

    /** Stop before the data source and Kafka clients go away. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
