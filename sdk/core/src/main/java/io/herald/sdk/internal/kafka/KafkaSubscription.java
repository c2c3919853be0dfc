package io.herald.sdk.internal.kafka;

import io.herald.sdk.HeraldSettings;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.spi.AbortDeliveryException;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One (group, topic) subscription: {@code concurrency} threads, each with its own consumer and
 * poll loop (spring-kafka's ConcurrentMessageListenerContainer shape). Offsets are committed only
 * for records whose processing returned: asynchronously after each batch, synchronously when
 * partitions are revoked and on close.
 */
final class KafkaSubscription implements Subscription {

    private static final Logger log = LoggerFactory.getLogger(KafkaSubscription.class);
    /** The longest a rate-limited batch holds the poll loop before the rest is polled again. */
    private static final long RATE_BATCH_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SubscriptionSpec spec;
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean paused;
    /** The binding's rate limit, shared by this subscription's consumers; null = none. */
    private volatile RateLimiter limiter;

    KafkaSubscription(SubscriptionSpec spec, RecordProcessor processor, HeraldConfig config, Map<String, Object> props) {
        this.spec = spec;
        long pollTimeout = config.getLong(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS);
        for (int i = 0; i < spec.concurrency(); i++) {
            Map<String, Object> p = new HashMap<>(props);
            p.put("client.id", spec.clientId() + "-" + i);
            Worker w = new Worker(new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                    processor, Duration.ofMillis(pollTimeout));
            w.thread = new Thread(w, "herald-" + spec.group() + "-" + spec.topic() + "-" + i);
            workers.add(w);
        }
        workers.forEach(w -> w.thread.start());
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void rateLimit(double perSecond) {
        RateLimiter current = limiter;
        if (perSecond <= 0) {
            limiter = null;
        } else if (current == null || current.perSecond() != perSecond) {
            limiter = new RateLimiter(perSecond);
        }
        for (Worker w : workers) {
            w.throttledUntil = 0;
        }
    }

    @Override
    public long lag() {
        long sum = 0;
        for (Worker w : workers) {
            if (w.lag < 0) {
                return -1;
            }
            sum += w.lag;
        }
        return sum;
    }

    @Override
    public void close(Duration timeout) {
        for (Worker w : workers) {
            w.stop();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker w : workers) {
            try {
                if (!w.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.warn("Listener on {} still busy after {} ms: interrupting it (its message will be redelivered)",
                            spec.topic(), timeout.toMillis());
                    w.thread.interrupt();
                    w.done.await(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker implements Runnable, DeliveryContext, ConsumerRebalanceListener {
        final KafkaConsumer<byte[], byte[]> consumer;
        final RecordProcessor processor;
        final Duration pollTimeout;
        final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
        final CountDownLatch done = new CountDownLatch(1);
        final Object backoffLock = new Object();
        Thread thread;
        volatile boolean running = true;
        volatile long lag = -1;
        boolean consumerPaused;
        boolean dirty;
        /** System.nanoTime() until which the rate limit holds every partition paused; 0 = not throttled. */
        volatile long throttledUntil;

        Worker(KafkaConsumer<byte[], byte[]> consumer, RecordProcessor processor, Duration pollTimeout) {
            this.consumer = consumer;
            this.processor = processor;
            this.pollTimeout = pollTimeout;
        }

        void stop() {
            running = false;
            synchronized (backoffLock) {
                backoffLock.notifyAll();
            }
            consumer.wakeup();
        }

        @Override
        public void run() {
            try {
                if (KafkaTransport.isReplayTopic(spec.topic())) {
                    consumer.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(spec.topic())), this);
                } else {
                    consumer.subscribe(List.of(spec.topic()), this);
                }
                while (running) {
                    applyPause();
                    ConsumerRecords<byte[], byte[]> records;
                    try {
                        records = consumer.poll(pollTimeout);
                    } catch (WakeupException e) {
                        break;
                    }
                    if (!records.isEmpty()) {
                        process(records);
                        commitAsync();
                    }
                    updateLag();
                }
            } catch (WakeupException e) {
                // stop() during a consumer call: fall through to the final commit
            } catch (Throwable t) {
                log.error("Consumer of {} (group {}) failed; its uncommitted records will be redelivered", spec.topic(),
                        spec.group(), t);
            } finally {
                commitSyncQuietly();
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.debug("Closing consumer", e);
                }
                done.countDown();
            }
        }

        private void applyPause() {
            long throttled = throttledUntil;
            boolean want = paused || throttled != 0 && System.nanoTime() - throttled < 0;
            if (want != consumerPaused) {
                if (want) {
                    consumer.pause(consumer.assignment());
                } else {
                    consumer.resume(consumer.paused());
                }
                consumerPaused = want;
            }
        }

        private void process(ConsumerRecords<byte[], byte[]> records) {
            long batchStart = System.nanoTime();
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
                long next = -1;
                try {
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        if (!running) {
                            break;
                        }
                        RateLimiter rate = limiter;
                        if (rate != null && !permit(rate, batchStart)) {
                            break;
                        }
                        processor.process(new KafkaRecord(r), this);
                        next = r.offset() + 1;
                    }
                } catch (AbortDeliveryException e) {
                    log.debug("Delivery aborted on {}: {}", tp, e.getMessage());
                } catch (RuntimeException e) {
                    // A bug in the pipeline, not in a listener (those are handled there): do not skip the
                    // record; go back to it after a pause so the partition does not spin.
                    log.error("Processing {} failed unexpectedly; retrying from the failed record", tp, e);
                    awaitBackoff(1_000);
                }
                if (next >= 0) {
                    processed.put(tp, new OffsetAndMetadata(next));
                    dirty = true;
                }
                long last = batch.get(batch.size() - 1).offset();
                if (next <= last && running) {
                    // Not all records of this partition went through: read them again.
                    consumer.seek(tp, next >= 0 ? next : batch.get(0).offset());
                }
                if (!running) {
                    return;
                }
            }
        }

        /**
         * Waits for the rate limit's next permit in this thread when it comes within one poll timeout
         * and this batch has not run for {@link #RATE_BATCH_BUDGET_NANOS}; otherwise answers false, and
         * the rest of the batch is read again by the next poll, with every partition paused meanwhile
         * when the permit is further away. So a low rate never holds the poll loop anywhere near
         * {@code max.poll.interval.ms}, and the group's membership and commits go on.
         */
        private boolean permit(RateLimiter rate, long batchStart) {
            long wait;
            while ((wait = rate.tryAcquire()) > 0) {
                if (rate != limiter) {
                    // changed live: the new limit (or none) decides
                    RateLimiter now = limiter;
                    if (now == null) {
                        return true;
                    }
                    rate = now;
                    continue;
                }
                if (wait > pollTimeout.toNanos()) {
                    throttledUntil = System.nanoTime() + wait;
                    return false;
                }
                if (System.nanoTime() + wait - batchStart > RATE_BATCH_BUDGET_NANOS) {
                    return false;
                }
                if (!awaitBackoff(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)))) {
                    return false;
                }
            }
            return true;
        }

        private void commitAsync() {
            if (dirty) {
                consumer.commitAsync(new HashMap<>(processed), (offsets, e) -> {
                    if (e != null) {
                        log.debug("Async commit failed (a later commit covers it): {}", e.toString());
                    }
                });
                dirty = false;
            }
        }

        private void commitSyncQuietly() {
            if (processed.isEmpty()) {
                return;
            }
            for (int i = 0; i < 2; i++) {
                try {
                    consumer.commitSync(processed, Duration.ofSeconds(10));
                    return;
                } catch (WakeupException e) {
                    // the pending wake-up fires once; try again
                } catch (RuntimeException e) {
                    log.warn("Final commit for {} failed; the last records may be redelivered: {}", spec.topic(), e.toString());
                    return;
                }
            }
        }

        private long lagUpdatedAt;

        /** At most once a second: meters are read every few seconds, polls come far more often. */
        private void updateLag() {
            long now = System.currentTimeMillis();
            if (now - lagUpdatedAt < 1_000) {
                return;
            }
            lagUpdatedAt = now;
            long sum = 0;
            for (TopicPartition tp : consumer.assignment()) {
                OptionalLong l = consumer.currentLag(tp);
                if (l.isPresent()) {
                    sum += l.getAsLong();
                }
            }
            lag = sum;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata o = processed.remove(tp);
                if (o != null) {
                    toCommit.put(tp, o);
                }
            }
            if (!toCommit.isEmpty()) {
                try {
                    consumer.commitSync(toCommit);
                } catch (RuntimeException e) {
                    log.warn("Commit on revocation failed; records may be redelivered: {}", e.toString());
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(processed::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (consumerPaused) {
                consumer.pause(partitions);
            }
        }

        @Override
        public boolean awaitBackoff(long millis) {
            long deadline = System.currentTimeMillis() + millis;
            synchronized (backoffLock) {
                long left;
                while (running && (left = deadline - System.currentTimeMillis()) > 0) {
                    try {
                        backoffLock.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return running;
        }

        @Override
        public boolean isStopping() {
            return !running;
        }
    }

    /** A consumer record seen through the SPI; no copying. */
    private record KafkaRecord(ConsumerRecord<byte[], byte[]> r) implements IncomingRecord {
        public String topic() {
            return r.topic();
        }

        public int partition() {
            return r.partition();
        }

        public long offset() {
            return r.offset();
        }

        public long timestamp() {
            return r.timestamp();
        }

        public byte[] key() {
            return r.key();
        }

        public byte[] value() {
            return r.value();
        }

        public Headers headers() {
            return r.headers();
        }
    }
}
