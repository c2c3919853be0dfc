package io.herald.server.schedule;

import io.herald.sdk.wire.DeadLetters;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.common.IntakeLoop;
import io.herald.server.ingest.DelayStore;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.ingest.ProducerCatalog;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The scheduler's threads on this instance: one intake thread moving records of
 * {@code herald.delay} into the timer table (offsets committed only after the insert committed),
 * and the firing threads. Every instance runs both; the intake splits partitions through its
 * consumer group, the firing through {@code SKIP LOCKED}.
 */
@Component
class DelayWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DelayWorkers.class);
    static final String DEAD_LETTERS = HeraldTopics.DELAY + ".dlt";
    private static final Set<String> CONTROL = Set.of(HeraldHeaders.DELAY_UNTIL, HeraldHeaders.TARGET_TOPIC, HeraldHeaders.DELAY_ID);
    private static final long RETENTION_MS = Duration.ofDays(7).toMillis();

    private final DelayedEvents delayed;
    private final KafkaClientConfig kafka;
    private final KafkaProvisioner provisioner;
    private final EventPublisher publisher;
    private final ProducerCatalog catalog;
    private final ScheduleProperties props;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    DelayWorkers(DelayedEvents delayed, KafkaClientConfig kafka, KafkaProvisioner provisioner, EventPublisher publisher,
                 ProducerCatalog catalog, ScheduleProperties props) {
        this.delayed = delayed;
        this.kafka = kafka;
        this.provisioner = provisioner;
        this.publisher = publisher;
        this.catalog = catalog;
        this.props = props;
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            return;
        }
        running = true;
        Thread intake = new Thread(this::intakeLoop, "herald-delay-intake");
        intake.setDaemon(true);
        threads.add(intake);
        for (int i = 0; i < props.firingThreads(); i++) {
            Thread t = new Thread(this::firingLoop, "herald-delay-fire-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        for (Thread t : threads) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stop before the publisher and the web server's graceful shutdown end
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private void firingLoop() {
        long pollMs = props.pollInterval().toMillis();
        long warmedFor = Long.MIN_VALUE;
        long forgetAt = 0;
        while (running) {
            try {
                long now = System.currentTimeMillis();
                if (now >= forgetAt) {
                    forgetAt = now + 60_000;
                    delayed.forgetFired(10_000);
                }
                int taken = delayed.fireDue(now);
                if (taken >= props.firingBatch()) {
                    continue;
                }
                long next = delayed.nextDue();
                if (next != warmedFor && next != Long.MAX_VALUE && next - System.currentTimeMillis() < 2000) {
                    // a burst is coming: have the producer's metadata ready so the first batch does not wait for it
                    warmedFor = next;
                    delayed.topicsDueBefore(next + 1000).forEach(publisher::warm);
                }
                long wait = Math.min(pollMs, Math.max(0, next - System.currentTimeMillis()));
                if (wait > 0) {
                    LockSupport.parkNanos(wait * 1_000_000L);
                } else if (taken == 0) {
                    // due rows exist but are locked by another firing transaction
                    LockSupport.parkNanos(2_000_000L);
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Firing delayed events failed, trying again in {}: {}", props.retryAfter(), e.toString());
                    LockSupport.parkNanos(Math.min(props.retryAfter().toMillis(), 2000) * 1_000_000L);
                }
            }
        }
    }

    private void intakeLoop() {
        while (running) {
            try {
                provisioner.ensureTopic(HeraldTopics.DELAY, props.delayTopicPartitions(), RETENTION_MS);
                break;
            } catch (RuntimeException e) {
                log.warn("Cannot create {} yet ({}); trying again", HeraldTopics.DELAY, e.getMessage());
                LockSupport.parkNanos(2_000_000_000L);
            }
        }
        Map<String, Object> config = kafka.base();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, props.intakeGroup());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-delay-intake");
        IntakeLoop.run(() -> running, config, List.of(HeraldTopics.DELAY), c -> consumer = c, this::intake, "Delay intake");
    }

    /** Stores a polled batch; records that cannot be scheduled go to {@code herald.delay.dlt} with the reason. */
    void intake(ConsumerRecords<byte[], byte[]> records) {
        List<DelayStore.Delayed> rows = new ArrayList<>(records.count());
        List<ProducerRecord<byte[], byte[]>> rejected = new ArrayList<>();
        Instant max = Instant.now().plus(props.maxDelay()).plusSeconds(60);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String target = text(r, HeraldHeaders.TARGET_TOPIC);
            String until = text(r, HeraldHeaders.DELAY_UNTIL);
            String messageId = text(r, HeraldHeaders.CE_ID);
            String reason = null;
            Instant due = null;
            if (target == null || target.isBlank()) {
                reason = "missing header " + HeraldHeaders.TARGET_TOPIC;
            } else if (until == null) {
                reason = "missing header " + HeraldHeaders.DELAY_UNTIL;
            } else {
                try {
                    due = Instant.ofEpochMilli(Long.parseLong(until.strip()));
                } catch (NumberFormatException e) {
                    reason = HeraldHeaders.DELAY_UNTIL + " is not epoch milliseconds: " + until;
                }
            }
            if (reason == null && due.isAfter(max)) {
                reason = "due " + due + " is beyond the longest delay " + props.maxDelay();
            }
            if (reason == null) {
                try {
                    catalog.topic(target, "topic");
                } catch (RuntimeException e) {
                    reason = "target topic '" + target + "' is not in Herald's catalog";
                }
            }
            if (reason != null) {
                rejected.add(deadLetter(r, reason));
                continue;
            }
            String id = text(r, HeraldHeaders.DELAY_ID);
            if (id == null) {
                id = messageId != null ? messageId : HeraldTopics.DELAY + "-" + r.partition() + "-" + r.offset();
            }
            List<Header> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                if (!CONTROL.contains(h.key())) {
                    headers.add(h);
                }
            }
            ProducerRecord<byte[], byte[]> finalRecord = new ProducerRecord<>(target, null, null, r.key(), r.value(), headers);
            rows.add(new DelayStore.Delayed(id, due, text(r, HeraldHeaders.CE_SOURCE), messageId, text(r, HeraldHeaders.CE_TYPE),
                    finalRecord));
        }
        if (!rejected.isEmpty()) {
            provisioner.ensureTopic(DEAD_LETTERS, 1, Duration.ofDays(14).toMillis());
            log.warn("{} record(s) of {} cannot be scheduled and went to {}", rejected.size(), HeraldTopics.DELAY, DEAD_LETTERS);
            publisher.sendAllAndWait(rejected);
        }
        delayed.store(rows);
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        List<Header> headers = DeadLetters.letter(reason, r.topic(), r.partition(), r.offset())
                .headers(r.headers(), Header::key, RecordHeader::new);
        return new ProducerRecord<>(DEAD_LETTERS, null, null, r.key(), r.value(), headers);
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
