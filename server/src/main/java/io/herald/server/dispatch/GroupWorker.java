package io.herald.server.dispatch;

import io.herald.sdk.wire.DeadLetters;
import io.herald.sdk.wire.HeraldHeaders;
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
    /** Where the dispatcher's timepoints go (herald.trace), so a pushed message's trace shows the processor's group. */
    private final String traceTopic;

    GroupWorker(String group, String topic, List<Route> routes, KafkaClientConfig kafka, EventPublisher publisher,
                KafkaProvisioner provisioner, DispatchProperties props, io.herald.server.egress.EgressPolicy egress,
                java.util.function.Function<Route, ProcessorCounters> counters,
                String traceTopic) {
        this.counters = counters;
        this.traceTopic = traceTopic;
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
                        c.poll(Duration.ofMillis(50));
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
                    if (!l.filter.accepts(type)) {
                        continue;
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

        Lanes(Route route) {
            this.route = route;
            this.stats = counters.apply(route);
            this.filter = TypeFilter.of(route.kind(), route.typePattern());
            this.client = route.protocol() == io.herald.server.catalog.ProcessorProtocol.GRPC
                    ? new GrpcPushClient(route.address(), route.timeoutMillis(), route.passBack(), route.group(),
                            route.retryStatusCodes(), egress.grpcResolver())
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
                    if (deliver(s.record, batch)) {
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
            long receivedAt = System.currentTimeMillis();
            Tracing trace = new Tracing(record);
            long expiresAt = expiresAt(record);
            while (true) {
                if (limiter != null && !limiter.acquire(() -> batch.aborted)) {
                    return false;
                }
                PushClient.Outcome outcome;
                if (attempt == 1) {
                    trace.add(io.herald.sdk.wire.Timepoint.RECEIVED, 1, null, null, null);
                }
                if (System.currentTimeMillis() > expiresAt) {
                    // the sender's herald-expires-at has passed: not pushed (again), as an SDK listener would
                    trace.add(io.herald.sdk.wire.Timepoint.DEAD_LETTERED, attempt, null, REASON_EXPIRED, null);
                    trace.ship(true);
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
                String status = outcome.status() > 0 ? "HTTP " + outcome.status()
                        : outcome.verdict() == PushClient.Verdict.SUCCESS ? "OK" : outcome.reason();
                long tookMs = System.currentTimeMillis() - startedAt;
                switch (outcome.verdict()) {
                    case SUCCESS -> {
                        pushed.incrementAndGet();
                        stats.succeeded(status);
                        trace.add(io.herald.sdk.wire.Timepoint.HANDLED, attempt, tookMs, null, attempt == 1 ? receivedAt : null);
                        trace.ship(false);
                        return true;
                    }
                    case FAIL, CANCEL -> {
                        stats.attemptFailed(status, outcome.reason(), 0);
                        trace.add(io.herald.sdk.wire.Timepoint.FAILED, attempt, tookMs, outcome.reason(), null);
                        trace.add(io.herald.sdk.wire.Timepoint.DEAD_LETTERED, attempt, null, outcome.reason(), null);
                        trace.ship(true);
                        deadLetter(record, outcome, attempt, outcome.reason());
                        return true;
                    }
                    case DROP -> {
                        stats.cancelled.incrementAndGet();
                        stats.succeeded(status);
                        trace.add(io.herald.sdk.wire.Timepoint.HANDLED, attempt, tookMs, null, attempt == 1 ? receivedAt : null);
                        trace.ship(false);
                        cancelled.incrementAndGet();
                        log.debug("Processor {}: {}-{}@{} dropped: {}", route.processorId(), record.topic(), record.partition(),
                                record.offset(), outcome.reason());
                        return true;
                    }
                    case RETRY -> {
                        trace.add(io.herald.sdk.wire.Timepoint.FAILED, attempt, tookMs, outcome.reason(), null);
                        if (!retry.mayRetry(attempt)) {
                            stats.attemptFailed(status, outcome.reason(), 0);
                            trace.add(io.herald.sdk.wire.Timepoint.DEAD_LETTERED, attempt, null, outcome.reason(), null);
                            trace.ship(true);
                            deadLetter(record, outcome, attempt, outcome.reason() + " after " + attempt + " attempt(s)");
                            return true;
                        }
                        long wait = retry.delayAfter(attempt, outcome.retryAfterMillis());
                        stats.attemptFailed(status, outcome.reason(), wait);
                        trace.add(io.herald.sdk.wire.Timepoint.RETRIED, attempt + 1, null, null, null);
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

        /**
         * The timepoints of one record's delivery, shipped once it is done: as the SDK's consumers do,
         * only for sampled messages (no {@code herald-trace-sampled: 0}), failures always. Never blocks.
         */
        private final class Tracing {
            final ConsumerRecord<byte[], byte[]> record;
            final List<io.herald.sdk.wire.Timepoint> points = new ArrayList<>(4);
            final String id;
            final long receivedAt = System.currentTimeMillis();

            Tracing(ConsumerRecord<byte[], byte[]> record) {
                this.record = record;
                String ceId = header(record, HeraldHeaders.CE_ID);
                this.id = ceId != null ? ceId : record.topic() + "-" + record.partition() + "-" + record.offset();
            }

            void add(String kind, int attempt, Long durationMs, String error, Long receivedAt) {
                if (kind.equals(io.herald.sdk.wire.Timepoint.RECEIVED) && points.isEmpty() && receivedAt == null) {
                    // kept back: a first attempt that succeeds ships RECEIVED inside its HANDLED (receivedAt)
                    points.add(null);
                    return;
                }
                if (receivedAt != null && !points.isEmpty() && points.get(0) == null) {
                    points.remove(0);
                } else if (!points.isEmpty() && points.get(0) == null) {
                    points.set(0, point(io.herald.sdk.wire.Timepoint.RECEIVED, this.receivedAt, 1, null, null, null));
                }
                points.add(point(kind, System.currentTimeMillis(), attempt, durationMs, error, receivedAt));
            }

            private io.herald.sdk.wire.Timepoint point(String kind, long time, int attempt, Long durationMs, String error,
                                                       Long receivedAt) {
                return new io.herald.sdk.wire.Timepoint(id, kind, time, record.topic(),
                        header(record, HeraldHeaders.CE_TYPE), record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                        route.app(), route.group(), "herald-dispatch", record.partition(), record.offset(),
                        record.timestamp() >= 0 ? record.timestamp() : null, durationMs, attempt, error,
                        header(record, HeraldHeaders.TRACEPARENT), null, receivedAt);
            }

            void ship(boolean failed) {
                if (traceTopic == null || (!failed && "0".equals(header(record, HeraldHeaders.TRACE_SAMPLED)))) {
                    return;
                }
                points.removeIf(java.util.Objects::isNull);
                if (points.isEmpty()) {
                    return;
                }
                try {
                    publisher.send(new ProducerRecord<>(traceTopic, id.getBytes(StandardCharsets.UTF_8),
                            io.herald.sdk.wire.TimepointCodec.encode(points)));
                } catch (RuntimeException e) {
                    log.debug("Timepoints of {} not shipped: {}", id, e.toString());
                }
            }
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
