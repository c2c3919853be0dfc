package io.herald.server.replay;

import io.herald.sdk.wire.DeadLetters;
import io.herald.sdk.wire.HeraldHeaders;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Copies one job's records from the source topic to the target, resumably and at least once: the
 * stored next offset of a partition only moves after Kafka acknowledged every record before it, so a
 * crash repeats at most the records of one progress interval and never leaves a gap. Those repeats
 * are counted: each stored progress also stores the target's end offsets, and the run that resumes
 * a job counts the job's records past them (written by the crashed run) into {@code written}. Progress, the
 * lease and the cancel flag go through PostgreSQL together; an instance that lost its lease stops
 * without writing anything.
 */
final class ReplayCopy implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ReplayCopy.class);
    private static final int MAX_POLL_RECORDS = 2000;

    private final long id;
    private final String owner;
    private final ReplayJobs jobs;
    private final ReplayKafka kafka;
    private final ReplayProperties props;
    private final TransactionTemplate tx;
    private final Counter copiedCounter;
    private final Counter writtenCounter;
    private final BooleanSupplier stopping;
    /** The reader; it also reads the target's end offsets (the marks). */
    private KafkaConsumer<byte[], byte[]> consumer;

    private ReplayJobs.Job job;
    private final Map<Integer, Pos> open = new HashMap<>();
    private final Map<Integer, Pos> all = new HashMap<>();
    /** Chosen records still to copy, per partition (MESSAGES jobs). */
    private final Map<Integer, NavigableSet<Long>> wanted = new HashMap<>();
    private final Map<Long, String> wantedIds = new HashMap<>();
    private final List<ReplayJobs.Item> itemUpdates = new ArrayList<>();
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private long copied;
    /** {@link #copied} already added to the copied meter. */
    private long copiedCounted;
    /** Records this run wrote whose acknowledgement was stored (plus those found written by a crashed run). */
    private long written;
    /** Records sent since the last stored progress. */
    private long sentSinceCommit;
    /** The target's end offsets at the last stored progress. */
    private String marks;
    private long skipped;
    private long itemsRecorded;
    private long lastCommit;

    /** Where one partition stands; everything below {@code next} is done. */
    private static final class Pos {
        final int partition;
        final long end;
        long next;
        long copied;
        long skipped;
        boolean dirty;

        Pos(ReplayJobs.Part p) {
            partition = p.partition();
            end = p.end();
            next = p.next();
            copied = p.copied();
            skipped = p.skipped();
        }
    }

    /** This instance no longer holds the job; another one carries on. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    ReplayCopy(long id, String owner, ReplayJobs jobs, ReplayKafka kafka, ReplayProperties props, TransactionTemplate tx,
               Counter copiedCounter, Counter writtenCounter, BooleanSupplier stopping) {
        this.id = id;
        this.owner = owner;
        this.jobs = jobs;
        this.kafka = kafka;
        this.props = props;
        this.tx = tx;
        this.copiedCounter = copiedCounter;
        this.writtenCounter = writtenCounter;
        this.stopping = stopping;
    }

    @Override
    public void run() {
        Optional<ReplayJobs.Job> found = jobs.find(id);
        if (found.isEmpty()) {
            return;
        }
        job = found.get();
        marks = job.writtenMarks();
        try {
            if (job.cancelRequested()) {
                jobs.finish(id, owner, ReplayJobs.CANCELLED, null);
                return;
            }
            copy();
        } catch (Cancelled e) {
            // stored as CANCELLED already
        } catch (LeaseLost e) {
            log.info("Replay job {} was taken over by another server instance; this one stops", id);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String error = e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "");
            boolean last = job.claims() >= props.maxAttempts();
            log.warn("Replay job {} failed ({}): {}", id, last ? "giving up after " + job.claims() + " attempts"
                    : "retrying from its stored progress", error);
            if (last) {
                jobs.finish(id, owner, ReplayJobs.FAILED, error);
            } else {
                jobs.release(id, owner, Duration.ofSeconds(5), error);
            }
        }
    }

    private void copy() {
        for (ReplayJobs.Part p : jobs.parts(id)) {
            Pos pos = new Pos(p);
            all.put(p.partition(), pos);
            if (pos.next < pos.end) {
                open.put(p.partition(), pos);
            }
        }
        boolean chosen = ReplayService.MESSAGES.equals(job.kind());
        if (chosen) {
            for (ReplayJobs.Item item : jobs.pendingItems(id)) {
                wanted.computeIfAbsent(item.partition(), k -> new TreeSet<>()).add(item.offset());
                wantedIds.put(key(item.partition(), item.offset()), item.messageId());
            }
            for (Pos pos : List.copyOf(open.values())) {
                if (!wanted.containsKey(pos.partition)) {
                    close(pos);
                }
            }
        }
        if (!open.isEmpty() && job.targetGroup() != null) {
            kafka.ensureTopic(job.targetTopic(), Math.max(props.replayTopicPartitions(), kafka.partitionCount(job.originalTopic())),
                    props.replayTopicRetention().toMillis());
        }
        lastCommit = System.nanoTime();
        RateLimiter rate = job.ratePerSecond() == null ? null : new RateLimiter(job.ratePerSecond());
        long commitEvery = props.progressInterval().toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.reader("herald-replay-" + id, MAX_POLL_RECORDS);
             KafkaProducer<byte[], byte[]> producer = open.isEmpty() ? null : new KafkaProducer<>(kafka.producerConfig("herald-replay-" + id))) {
            this.consumer = consumer;
            if (producer != null) {
                resumeCount(producer);
            }
            Map<Integer, TopicPartition> tps = new HashMap<>();
            open.keySet().forEach(p -> tps.put(p, new TopicPartition(job.sourceTopic(), p)));
            consumer.assign(tps.values());
            for (Pos pos : open.values()) {
                long from = chosen ? Math.max(pos.next, wanted.get(pos.partition).first()) : pos.next;
                consumer.seek(tps.get(pos.partition), from);
            }
            while (!open.isEmpty()) {
                if (stopping.getAsBoolean()) {
                    commit(producer);
                    jobs.release(id, owner, Duration.ZERO, null);
                    log.info("Replay job {} handed back at shutdown; another instance resumes it", id);
                    return;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition tp : records.partitions()) {
                    Pos pos = open.get(tp.partition());
                    if (pos == null) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                        if (r.offset() < pos.next) {
                            continue;
                        }
                        if (r.offset() >= pos.end) {
                            break;
                        }
                        if (chosen) {
                            chosen(producer, pos, r, rate);
                        } else if (matches(r)) {
                            while (rate != null && !rate.acquire(commitEvery)) {
                                maybeCommit(producer, commitEvery);
                            }
                            send(producer, r);
                            pos.copied++;
                            copied++;
                            if (ReplayService.REDRIVE.equals(job.kind()) && itemsRecorded < props.maxItemsShown()) {
                                itemsRecorded++;
                                itemUpdates.add(new ReplayJobs.Item(r.partition(), r.offset(), ReplayKafka.header(r, HeraldHeaders.CE_ID),
                                        "COPIED", null));
                            }
                        } else {
                            pos.skipped++;
                            skipped++;
                        }
                        pos.next = r.offset() + 1;
                        pos.dirty = true;
                        maybeCommit(producer, commitEvery);
                    }
                    if (chosen) {
                        advanceChosen(consumer, tp, pos);
                    }
                }
                // a partition whose remaining offsets hold no readable record (transaction markers, compaction)
                for (Pos pos : List.copyOf(open.values())) {
                    TopicPartition tp = tps.get(pos.partition);
                    long position = consumer.position(tp);
                    if (position < pos.next) {
                        // Kafka moved the position back: the log was truncated below what was planned
                        log.warn("Replay job {}: partition {} of {} ends before offset {} now; the rest of it is skipped",
                                id, pos.partition, job.sourceTopic(), pos.next);
                        if (chosen) {
                            missingBelow(pos, Long.MAX_VALUE);
                        }
                        close(pos);
                        continue;
                    }
                    if (position > pos.next && !chosen) {
                        pos.next = Math.min(position, pos.end);
                        pos.dirty = true;
                    }
                    if (pos.next >= pos.end || position >= pos.end) {
                        if (chosen) {
                            missingBelow(pos, Long.MAX_VALUE);
                        }
                        close(pos);
                    }
                }
                maybeCommit(producer, commitEvery);
            }
            commit(producer);
            if (chosen) {
                jobs.markMissing(id);
            }
            jobs.finish(id, owner, ReplayJobs.DONE, null);
            log.info("Replay job {} done: {} copied, {} written, {} skipped", id, copied + job.copied(), written + job.written(),
                    skipped + job.skipped());
        }
    }

    private void chosen(KafkaProducer<byte[], byte[]> producer, Pos pos, ConsumerRecord<byte[], byte[]> r, RateLimiter rate) {
        NavigableSet<Long> set = wanted.get(pos.partition);
        missingBelow(pos, r.offset());
        if (set.remove(r.offset())) {
            while (rate != null && !rate.acquire(props.progressInterval().toNanos())) {
                maybeCommit(producer, props.progressInterval().toNanos());
            }
            send(producer, r);
            pos.copied++;
            copied++;
            String messageId = ReplayKafka.header(r, HeraldHeaders.CE_ID);
            itemUpdates.add(new ReplayJobs.Item(r.partition(), r.offset(), messageId != null ? messageId
                    : wantedIds.get(key(r.partition(), r.offset())), "COPIED", null));
        }
    }

    /** Chosen records below an offset that never showed up are gone from the topic. */
    private void missingBelow(Pos pos, long offset) {
        NavigableSet<Long> set = wanted.get(pos.partition);
        if (set == null) {
            return;
        }
        for (Long gone : List.copyOf(set.headSet(offset, false))) {
            set.remove(gone);
            itemUpdates.add(new ReplayJobs.Item(pos.partition, gone, wantedIds.get(key(pos.partition, gone)), "MISSING",
                    "no such record in the topic any more"));
        }
    }

    /** Jumps to the next chosen record instead of reading everything in between. */
    private void advanceChosen(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, Pos pos) {
        NavigableSet<Long> set = wanted.get(pos.partition);
        if (set.isEmpty()) {
            pos.next = pos.end;
            pos.dirty = true;
            close(pos);
            return;
        }
        long nextWanted = set.first();
        if (nextWanted > pos.next) {
            pos.next = nextWanted;
            pos.dirty = true;
            consumer.seek(tp, nextWanted);
        }
    }

    private void close(Pos pos) {
        if (pos.next < pos.end) {
            pos.next = pos.end;
        }
        pos.dirty = true;
        open.remove(pos.partition);
    }

    private boolean matches(ConsumerRecord<byte[], byte[]> r) {
        if (job.from() != null && r.timestamp() < job.from().toEpochMilli()) {
            return false;
        }
        if (job.to() != null && r.timestamp() >= job.to().toEpochMilli()) {
            return false;
        }
        if (job.type() != null && !job.type().equals(ReplayKafka.header(r, HeraldHeaders.CE_TYPE))) {
            return false;
        }
        return job.key() == null || (r.key() != null && job.key().equals(new String(r.key(), StandardCharsets.UTF_8)));
    }

    private void send(KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> r) {
        Exception failed = sendError.get();
        if (failed != null) {
            throw new IllegalStateException("Kafka refused a replayed record: " + failed.getMessage(), failed);
        }
        boolean redrive = !job.sourceTopic().equals(job.originalTopic());
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            String k = h.key();
            if (k.equals(HeraldHeaders.REPLAY_JOB) || k.equals(HeraldHeaders.REPLAY_OF) || k.equals(HeraldHeaders.TARGET_TOPIC)) {
                continue;
            }
            if (redrive && DeadLetters.written(k)) {
                continue;
            }
            headers.add(h);
        }
        headers.add(HeraldHeaders.REPLAY_JOB, Long.toString(id).getBytes(StandardCharsets.UTF_8));
        headers.add(HeraldHeaders.REPLAY_OF, (r.topic() + ":" + r.partition() + ":" + r.offset()).getBytes(StandardCharsets.UTF_8));
        if (job.targetGroup() != null) {
            headers.add(HeraldHeaders.TARGET_TOPIC, job.originalTopic().getBytes(StandardCharsets.UTF_8));
        }
        // Replaying into the topic itself keeps the partition, so records of one key stay in order.
        Integer partition = job.targetGroup() == null && job.targetTopic().equals(r.topic()) ? r.partition() : null;
        producer.send(new ProducerRecord<>(job.targetTopic(), partition, null, r.key(), r.value(), headers), (md, e) -> {
            if (e != null) {
                sendError.compareAndSet(null, e);
            }
        });
        sentSinceCommit++;
    }

    /**
     * Before this run writes anything: the records a crashed run wrote after the job's last stored
     * progress (found past the stored marks on the target) are about to be written again, so they
     * count as written; then the target's end offsets become the marks.
     */
    private void resumeCount(KafkaProducer<byte[], byte[]> producer) {
        if (marks != null) {
            long[] renewedAt = {System.nanoTime()};
            long every = props.progressInterval().toNanos();
            long repeated = kafka.writtenSince(job.targetTopic(), marks, id, () -> {
                // the count can outlast the lease: keep it, or another instance (or this one) takes the job meanwhile
                if (System.nanoTime() - renewedAt[0] >= every) {
                    if (tx.execute(s -> jobs.renew(id, owner, props.lease())).isEmpty()) {
                        throw new LeaseLost();
                    }
                    renewedAt[0] = System.nanoTime();
                }
            });
            if (repeated > 0) {
                written += repeated;
                writtenCounter.increment(repeated);
                log.warn("Replay job {} resumes from its stored progress: {} record(s) its previous run wrote after that are"
                         + " written again (copying is at least once; the job's 'written' counts them)", id, repeated);
            }
        }
        commit(producer);
    }

    private void maybeCommit(KafkaProducer<byte[], byte[]> producer, long everyNanos) {
        if (System.nanoTime() - lastCommit >= everyNanos) {
            commit(producer);
        }
    }

    /** Waits for Kafka's acknowledgements, then stores progress and renews the lease in one transaction. */
    private void commit(KafkaProducer<byte[], byte[]> producer) {
        if (producer != null) {
            producer.flush();
        }
        Exception failed = sendError.get();
        if (failed != null) {
            throw new IllegalStateException("Kafka refused a replayed record: " + failed.getMessage(), failed);
        }
        String nextMarks = producer != null ? ReplayKafka.marks(consumer, job.targetTopic()) : marks;
        long sent = sentSinceCommit;
        boolean cancel = Boolean.TRUE.equals(tx.execute(s -> {
            Optional<Boolean> renewed = jobs.renew(id, owner, props.lease());
            if (renewed.isEmpty()) {
                throw new LeaseLost();
            }
            for (Pos pos : all.values()) {
                if (pos.dirty) {
                    jobs.progress(id, new ReplayJobs.Part(pos.partition, 0, pos.end, pos.next, pos.copied, pos.skipped));
                }
            }
            jobs.totals(id, job.copied() + copied, job.skipped() + skipped, job.written() + written + sent, nextMarks);
            if (!itemUpdates.isEmpty()) {
                jobs.insertItems(id, itemUpdates);
            }
            return renewed.get();
        }));
        all.values().forEach(p -> p.dirty = false);
        itemUpdates.clear();
        marks = nextMarks;
        written += sent;
        sentSinceCommit -= sent;
        writtenCounter.increment(sent);
        copiedCounter.increment(copied - copiedCounted);
        copiedCounted = copied;
        lastCommit = System.nanoTime();
        if (cancel) {
            jobs.finish(id, owner, ReplayJobs.CANCELLED, null);
            log.info("Replay job {} cancelled", id);
            throw new Cancelled();
        }
    }

    /** Ends the copy loop after a cancel was stored. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private static long key(int partition, long offset) {
        return ((long) partition << 48) ^ offset;
    }
}
