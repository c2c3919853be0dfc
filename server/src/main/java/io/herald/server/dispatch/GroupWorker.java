package io.herald.server.dispatch;

import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.wire.DeadLetters;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.common.TimeInput;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one consumer group's records of one topic to the endpoints of its processors. Several
 * bindings of a group may share a topic (different types), so one consumer serves all their
 * processors ("routes") and a record is done when every route that accepts its type is done.
 *
 * <p>A polled batch is split per route into {@code concurrency} lanes by key: records with the same
 * key go through one lane in order (serial per key), keyless records spread over all lanes. While
 * the lanes work, the consumer's partitions are paused and it keeps polling, so long retry waits
 * never make it leave the group. Offsets are committed after the batch; when a batch is cut short
 * (stop, pause, rebalance, Kafka down for the dead-letter topic) only the done prefix of each
 * partition is committed and the rest is read again: at least once, never lost.
 */
final class GroupWorker {

    private static final Logger log = LoggerFactory.getLogger(GroupWorker.class);
    private static final long DLT_RETENTION_MS = Duration.ofDays(14).toMillis();

    private final String group;
    private final String topic;
    private final List<Route> routes;
    private final List<Lanes> lanes = new ArrayList<>();
    private final Map<String, Object> consumerConfig;
    private final EventPublisher publisher;
    private final KafkaProvisioner provisioner;
    private final DispatchProperties props;
    /** Checks every address an endpoint's name resolves to before the clients connect (no DNS rebinding). */
    private final io.herald.server.egress.EgressPolicy egress;
    private final Set<String> deadLetterTopicsReady = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Batch inFlight;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** A processor created to start at a time: partitions without a committed offset start there. */
    private final java.time.Instant startTime;
    final AtomicLong pushed = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    /** Events the endpoint cancelled (gRPC CANCEL): neither pushed again nor dead-lettered. */
    final AtomicLong cancelled = new AtomicLong();

    private final java.util.function.Function<Route, ProcessorCounters> counters;
    /**
     * Records the dispatcher's timepoints (to herald.trace, batched, never blocking a lane), so a
     * pushed message's trace shows the processor's group; samples as an SDK consumer does. Null: none.
     */
    private final Tracer tracer;
    /** Channels to gRPC processors (TLS trust: the JVM's CAs and herald.grpc.trust-certs). */
    private final io.herald.server.egress.GrpcTargets grpcTargets;

    GroupWorker(String group, String topic, List<Route> routes, KafkaClientConfig kafka, EventPublisher publisher,
                KafkaProvisioner provisioner, DispatchProperties props, io.herald.server.egress.EgressPolicy egress,
                java.util.function.Function<Route, ProcessorCounters> counters,
                Tracer tracer, io.herald.server.egress.GrpcTargets grpcTargets) {
        this.grpcTargets = grpcTargets;
        this.counters = counters;
        this.tracer = tracer;
        this.group = group;
        this.topic = topic;
        this.routes = List.copyOf(routes);
        this.publisher = publisher;
        this.provisioner = provisioner;
        this.props = props;
        this.egress = egress;
        Map<String, Object> config = kafka.base();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        String start = routes.isEmpty() ? "" : routes.get(0).startPosition();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, start.equals("earliest") || start.equals("latest") ? start
                : start.isEmpty() ? props.autoOffsetReset() : "none");
        this.startTime = start.isEmpty() || start.equals("earliest") || start.equals("latest") ? null
                : TimeInput.RFC_3339.read("startPosition", start).toInstant();
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-push-" + group);
        this.consumerConfig = config;
        for (Route r : this.routes) {
            lanes.add(new Lanes(r));
        }
        this.thread = new Thread(this::run, "herald-push-" + group + "-" + topic);
        this.thread.setDaemon(true);
    }

    List<Route> routes() {
        return routes;
    }

    void start() {
        thread.start();
    }

    /** Stops: the batch in flight is cut short after the current attempts, its done prefix committed. */
    void stop() {
        stopping = true;
        Batch b = inFlight;
        if (b != null) {
            b.aborted = true;
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        long maxAttempt = routes.stream().mapToLong(Route::timeoutMillis).max().orElse(0);
        try {
            thread.join(maxAttempt + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lanes.forEach(l -> l.pool.shutdownNow());
        lanes.forEach(l -> l.client.close());
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    Batch b = inFlight;
                    if (b != null && !b.settled) {
                        b.aborted = true;
                        b.awaitLanes();
                        commitPrefix(c, b);
                        b.settled = true;
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (startTime == null || partitions.isEmpty()) {
                        return;
                    }
                    Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new HashSet<>(partitions));
                    Map<TopicPartition, Long> at = new HashMap<>();
                    for (TopicPartition tp : partitions) {
                        if (committed.get(tp) == null) {
                            at.put(tp, startTime.toEpochMilli());
                        }
                    }
                    if (at.isEmpty()) {
                        return;
                    }
                    Map<TopicPartition, Long> ends = c.endOffsets(at.keySet());
                    c.offsetsForTimes(at).forEach((tp, found) -> c.seek(tp, found != null ? found.offset() : ends.get(tp)));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    Batch b = inFlight;
                    if (b != null) {
                        b.aborted = true;
                        b.awaitLanes();
                        b.settled = true;
                    }
                }
            });
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    break;
                }
                if (records.isEmpty()) {
                    continue;
                }
                Batch batch = new Batch(records);
                inFlight = batch;
                batch.start();
                Set<TopicPartition> paused = new HashSet<>(c.assignment());
                c.pause(paused);
                while (!batch.lanesDone()) {
                    try {
                        // paused: returns at once (a rebalance runs its listener here); the wait is on the lanes,
                        // so the next batch starts as soon as the last lane is done, not at the end of a poll timeout
                        ConsumerRecords<byte[], byte[]> early = c.poll(Duration.ZERO);
                        if (!early.isEmpty()) {
                            // a partition assigned during the batch: its records are read again after it, none skipped
                            for (TopicPartition tp : early.partitions()) {
                                c.seek(tp, early.records(tp).get(0).offset());
                            }
                            c.pause(early.partitions());
                        }
                    } catch (WakeupException e) {
                        batch.aborted = true;
                    }
                    batch.awaitLanes(50);
                }
                c.resume(c.paused());
                if (!batch.settled) {
                    if (batch.aborted) {
                        commitPrefix(c, batch);
                        rewind(c, batch);
                    } else {
                        commitAll(c, batch);
                    }
                    batch.settled = true;
                } else {
                    rewind(c, batch);
                }
                inFlight = null;
                if (batch.aborted && !stopping) {
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            if (!stopping) {
                log.warn("Push worker of group {} on topic {} failed; the supervisor restarts it: {}", group, topic, e.toString());
            }
        } finally {
            consumer = null;
        }
    }

    boolean alive() {
        return thread.isAlive();
    }

    private static void commitAll(KafkaConsumer<byte[], byte[]> c, Batch b) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        b.partitions.forEach((tp, slots) -> offsets.put(tp, new OffsetAndMetadata(slots[slots.length - 1].record.offset() + 1)));
        commit(c, offsets);
    }

    private static void commitPrefix(KafkaConsumer<byte[], byte[]> c, Batch b) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        b.partitions.forEach((tp, slots) -> {
            long next = b.firstUndone(slots);
            if (next > slots[0].record.offset()) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        });
        commit(c, offsets);
    }

    private static void commit(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets);
        } catch (WakeupException e) {
            c.commitSync(offsets);
        }
    }

    /** Partitions still ours go back to their first record not yet done. */
    private static void rewind(KafkaConsumer<byte[], byte[]> c, Batch b) {
        Set<TopicPartition> assigned = c.assignment();
        b.partitions.forEach((tp, slots) -> {
            if (assigned.contains(tp)) {
                long next = b.firstUndone(slots);
                if (next <= slots[slots.length - 1].record.offset()) {
                    c.seek(tp, next);
                }
            }
        });
    }

    /** A record of the batch and how many routes still owe it. */
    private static final class Slot {
        final ConsumerRecord<byte[], byte[]> record;
        final AtomicInteger pending = new AtomicInteger();

        Slot(ConsumerRecord<byte[], byte[]> record) {
            this.record = record;
        }
    }

    private final class Batch {
        final Map<TopicPartition, Slot[]> partitions = new HashMap<>();
        /** Per route, the records whose type its pattern could not decide within the time budget. */
        final Map<Lanes, Set<Slot>> undecided = new HashMap<>();
        final List<Runnable> tasks = new ArrayList<>();
        final List<ExecutorService> pools = new ArrayList<>();
        CountDownLatch latch;
        volatile boolean aborted;
        volatile boolean settled;

        Batch(ConsumerRecords<byte[], byte[]> records) {
            List<Slot> all = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
                Slot[] slots = new Slot[list.size()];
                for (int i = 0; i < slots.length; i++) {
                    slots[i] = new Slot(list.get(i));
                    all.add(slots[i]);
                }
                partitions.put(tp, slots);
            }
            for (Lanes l : lanes) {
                List<List<Slot>> perLane = new ArrayList<>(l.route.concurrency());
                for (int i = 0; i < l.route.concurrency(); i++) {
                    perLane.add(new ArrayList<>());
                }
                int roundRobin = 0;
                for (Slot s : all) {
                    String type = header(s.record, HeraldHeaders.CE_TYPE);
                    TypeFilter.Verdict verdict = l.filter.decide(type);
                    if (verdict == TypeFilter.Verdict.SKIP) {
                        continue;
                    }
                    if (verdict == TypeFilter.Verdict.TOO_SLOW) {
                        // neither pushed nor skipped unseen: the lane dead-letters it, saying why
                        undecided.computeIfAbsent(l, k -> new HashSet<>()).add(s);
                    }
                    s.pending.incrementAndGet();
                    int lane = s.record.key() == null ? (roundRobin++ % perLane.size())
                            : Math.floorMod(java.util.Arrays.hashCode(s.record.key()), perLane.size());
                    perLane.get(lane).add(s);
                }
                for (List<Slot> laneSlots : perLane) {
                    if (!laneSlots.isEmpty()) {
                        tasks.add(() -> l.work(laneSlots, this));
                        pools.add(l.pool);
                    }
                }
            }
        }

        void start() {
            latch = new CountDownLatch(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                Runnable task = tasks.get(i);
                pools.get(i).execute(() -> {
                    try {
                        task.run();
                    } finally {
                        latch.countDown();
                    }
                });
            }
        }

        boolean lanesDone() {
            return latch.getCount() == 0;
        }

        void awaitLanes(long millis) {
            try {
                latch.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                aborted = true;
            }
        }

        void awaitLanes() {
            while (!lanesDone()) {
                awaitLanes(100);
            }
        }

        long firstUndone(Slot[] slots) {
            for (Slot s : slots) {
                if (s.pending.get() > 0) {
                    return s.record.offset();
                }
            }
            return slots[slots.length - 1].record.offset() + 1;
        }
    }

    /** One route's lanes: its thread pool, endpoint client, retry policy, rate limiter. */
    private final class Lanes {
        final Route route;
        final TypeFilter filter;
        final Pusher client;
        final RetryPolicy retry;
        final RateLimiter limiter;
        final ExecutorService pool;
        final ProcessorCounters stats;
        final Set<String> warnedTypes = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Lanes(Route route) {
            this.route = route;
            this.stats = counters.apply(route);
            this.filter = TypeFilter.of(route.kind(), route.typePattern());
            this.client = route.protocol() == io.herald.server.catalog.ProcessorProtocol.GRPC
                    ? new GrpcPushClient(route.address(), route.timeoutMillis(), route.passBack(), route.group(),
                            route.retryStatusCodes(), egress.grpcResolver(), grpcTargets)
                    : new PushClient(route.address(), route.timeoutMillis(), route.retryStatusCodes(), route.concurrency(),
                            egress.httpResolver());
            this.retry = new RetryPolicy(route.retryIntervalMillis(), route.retryCount(), route.retryExponential(),
                    props.maxRetryAfter().toMillis());
            this.limiter = route.ratePerSecond() == null ? null : new RateLimiter(route.ratePerSecond());
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(route.concurrency(), r -> {
                Thread t = new Thread(r, "herald-push-" + route.processorId() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }

        void work(List<Slot> slots, Batch batch) {
            for (Slot s : slots) {
                if (batch.aborted) {
                    return;
                }
                try {
                    if (batch.undecided.getOrDefault(this, Set.of()).contains(s)) {
                        refuseType(s.record);
                        s.pending.decrementAndGet();
                    } else if (deliver(s.record, batch)) {
                        s.pending.decrementAndGet();
                    } else {
                        batch.aborted = true;
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    batch.aborted = true;
                    return;
                } catch (RuntimeException e) {
                    log.warn("Processor {}: pushing {}-{}@{} failed; the batch is read again: {}", route.processorId(),
                            s.record.topic(), s.record.partition(), s.record.offset(), e.toString());
                    batch.aborted = true;
                    return;
                }
            }
        }

        /** A record whose type the binding's pattern could not decide in time: dead-lettered, never pushed nor dropped unseen. */
        private void refuseType(ConsumerRecord<byte[], byte[]> record) {
            String type = header(record, HeraldHeaders.CE_TYPE);
            String reason = filter.tooSlowReason(type);
            if (warnedTypes.size() < 100 && warnedTypes.add(type.length() > 200 ? type.substring(0, 200) : type)) {
                log.warn("Processor {} (binding {}): {}; such records go to {}", route.processorId(), route.bindingId(), reason,
                        route.deadLetterTopic());
            }
            Tracing trace = new Tracing(record);
            trace.step(Timepoint.DEAD_LETTERED, 1, null, reason); // failures are traced whatever the sampling
            deadLetter(record, (Throwable) null, 0, reason);
        }

        /** @return true when the record is done (pushed or dead-lettered), false when cut short */
        boolean deliver(ConsumerRecord<byte[], byte[]> record, Batch batch) throws InterruptedException {
            // delayed processing: each event waits until its write time plus the delay; the offset is committed only
            // after it was pushed, so a restart reads it again and waits what is left (nothing early, nothing lost)
            if (route.processingDelayMillis() > 0 && record.timestamp() >= 0) {
                long due = record.timestamp() + route.processingDelayMillis();
                long left;
                while ((left = due - System.currentTimeMillis()) > 0) {
                    if (batch.aborted) {
                        return false;
                    }
                    LockSupport.parkNanos(Math.min(left, 20) * 1_000_000L);
                }
            }
            int attempt = 1;
            Tracing trace = new Tracing(record);
            long expiresAt = expiresAt(record);
            while (true) {
                if (limiter != null && !limiter.acquire(() -> batch.aborted)) {
                    return false;
                }
                PushClient.Outcome outcome;
                if (System.currentTimeMillis() > expiresAt) {
                    // the sender's herald-expires-at has passed: not pushed (again), as an SDK listener would
                    trace.step(Timepoint.DEAD_LETTERED, attempt, null, REASON_EXPIRED);
                    deadLetter(record, (Throwable) null, attempt - 1, REASON_EXPIRED);
                    return true;
                }
                long startedAt = System.currentTimeMillis();
                stats.inFlight.incrementAndGet();
                try {
                    outcome = client.push(record, attempt);
                } finally {
                    stats.inFlight.decrementAndGet();
                }
                long tookMs = System.currentTimeMillis() - startedAt;
                switch (outcome.verdict()) {
                    case SUCCESS -> {
                        pushed.incrementAndGet();
                        stats.succeeded(status(outcome));
                        trace.step(Timepoint.HANDLED, attempt, tookMs, null);
                        return true;
                    }
                    case FAIL, CANCEL -> {
                        stats.attemptFailed(status(outcome), outcome.reason(), 0);
                        trace.step(Timepoint.FAILED, attempt, tookMs, outcome.reason());
                        trace.step(Timepoint.DEAD_LETTERED, attempt, null, outcome.reason());
                        deadLetter(record, outcome, attempt, outcome.reason());
                        return true;
                    }
                    case DROP -> {
                        stats.cancelled.incrementAndGet();
                        stats.succeeded(status(outcome));
                        trace.step(Timepoint.HANDLED, attempt, tookMs, null);
                        cancelled.incrementAndGet();
                        log.debug("Processor {}: {}-{}@{} dropped: {}", route.processorId(), record.topic(), record.partition(),
                                record.offset(), outcome.reason());
                        return true;
                    }
                    case RETRY -> {
                        trace.step(Timepoint.FAILED, attempt, tookMs, outcome.reason());
                        if (!retry.mayRetry(attempt)) {
                            stats.attemptFailed(status(outcome), outcome.reason(), 0);
                            trace.step(Timepoint.DEAD_LETTERED, attempt, null, outcome.reason());
                            deadLetter(record, outcome, attempt, outcome.reason() + " after " + attempt + " attempt(s)");
                            return true;
                        }
                        long wait = retry.delayAfter(attempt, outcome.retryAfterMillis());
                        stats.attemptFailed(status(outcome), outcome.reason(), wait);
                        trace.step(Timepoint.RETRIED, attempt + 1, null, null);
                        long until = System.nanoTime() + wait * 1_000_000L;
                        long left;
                        while ((left = until - System.nanoTime()) > 0) {
                            if (batch.aborted) {
                                return false;
                            }
                            LockSupport.parkNanos(Math.min(left, 20_000_000L));
                        }
                        attempt++;
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }

        private static String status(PushClient.Outcome outcome) {
            return outcome.status() > 0 ? "HTTP " + outcome.status()
                    : outcome.verdict() == PushClient.Verdict.SUCCESS ? "OK" : outcome.reason();
        }

        /**
         * The timepoints of one record's delivery, handed to the {@link Tracer} as they happen (it
         * batches them into herald.trace records; it never blocks). Sampled as an SDK consumer samples:
         * the producer's decision when the record carries one ({@code herald-trace-sampled}, else its
         * {@code traceparent}'s flag), else the topic's trace sample rate, else the server's default
         * rate within {@code herald.trace.max-sampled-per-second}. A message not sampled has no
         * RECEIVED and HANDLED; its failures (FAILED, RETRIED, DEAD_LETTERED) are recorded whatever
         * the sampling said, and once one was, so is the HANDLED that ends its retries.
         */
        private final class Tracing {
            final ConsumerRecord<byte[], byte[]> record;
            final long receivedAt = System.currentTimeMillis();
            boolean traced;
            /** RECEIVED is still to be recorded: into the first attempt's HANDLED, else before the first other step. */
            boolean receivedPending;

            Tracing(ConsumerRecord<byte[], byte[]> record) {
                this.record = record;
                this.traced = tracer != null && sampled(record);
                this.receivedPending = traced;
            }

            void step(String kind, int attempt, Long durationMs, String error) {
                if (tracer == null) {
                    return;
                }
                boolean failure = kind.equals(Timepoint.FAILED) || kind.equals(Timepoint.RETRIED) || kind.equals(Timepoint.DEAD_LETTERED);
                if (!traced && !failure) {
                    return;
                }
                traced = true;
                long now = System.currentTimeMillis();
                Long received = null;
                if (receivedPending) {
                    receivedPending = false;
                    if (kind.equals(Timepoint.HANDLED)) {
                        received = receivedAt;
                    } else {
                        tracer.record(point(Timepoint.RECEIVED, receivedAt, 1, null, null, null));
                    }
                }
                tracer.record(point(kind, now, attempt, durationMs, error, received));
            }

            private Timepoint point(String kind, long time, int attempt, Long durationMs, String error, Long receivedAt) {
                String ceId = header(record, HeraldHeaders.CE_ID);
                String id = ceId != null ? ceId : record.topic() + "-" + record.partition() + "-" + record.offset();
                return new Timepoint(id, kind, time, record.topic(),
                        header(record, HeraldHeaders.CE_TYPE), record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                        route.app(), route.group(), "herald-dispatch", record.partition(), record.offset(),
                        record.timestamp() >= 0 ? record.timestamp() : null, durationMs, attempt, error,
                        header(record, HeraldHeaders.TRACEPARENT), null, receivedAt);
            }
        }

        /** The producer's decision ({@code herald-trace-sampled}, else the traceparent's flag), else the tracer's sampling of the topic. */
        private boolean sampled(ConsumerRecord<byte[], byte[]> record) {
            Header sampled = record.headers().lastHeader(HeraldHeaders.TRACE_SAMPLED);
            if (sampled != null && sampled.value() != null) {
                return sampled.value().length == 1 && sampled.value()[0] == '1';
            }
            Boolean flag = Tracer.sampledFlag(record.headers().lastHeader(HeraldHeaders.TRACEPARENT));
            return flag != null ? flag : tracer.sample(record.topic());
        }

        private void deadLetter(ConsumerRecord<byte[], byte[]> record, PushClient.Outcome outcome, int attempts, String reason) {
            deadLetter(record, outcome.error(), attempts, "push to " + route.address() + " failed: " + reason);
        }

        private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error, int attempts, String reason) {
            String dlt = route.deadLetterTopic();
            if (!deadLetterTopicsReady.contains(dlt)) {
                provisioner.ensureTopic(dlt, props.dltPartitions(), DLT_RETENTION_MS);
                deadLetterTopicsReady.add(dlt);
            }
            List<Header> headers = DeadLetters.letter(reason, record.topic(), record.partition(), record.offset())
                    .by(route.group(), attempts).failure(error).headers(record.headers(), Header::key, RecordHeader::new);
            publisher.sendAndWait(new ProducerRecord<>(dlt, null, null, record.key(), record.value(), headers));
            deadLettered.incrementAndGet();
            stats.deadLettered.incrementAndGet();
            log.debug("Processor {}: {}-{}@{} went to {}: {}", route.processorId(), record.topic(), record.partition(),
                    record.offset(), dlt, reason);
        }
    }

    /** The dead-letter reason of a record whose {@code herald-expires-at} passed, as the SDK writes it. */
    static final String REASON_EXPIRED = "expired";

    /** The record's {@code herald-expires-at} (epoch milliseconds), or {@link Long#MAX_VALUE}. */
    static long expiresAt(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(HeraldHeaders.EXPIRES_AT);
        if (h == null || h.value() == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
