package io.herald.sdk.test;

import io.herald.sdk.spi.AbortDeliveryException;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import java.nio.charset.StandardCharsets;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A {@link Transport} that keeps records in memory and delivers them <em>synchronously</em>, in
 * the sending thread: when {@code send} returns, every listener of the message has run (and
 * retries and dead-lettering have happened), so a unit test can assert right after sending.
 * Everything above the transport — encoding, catalog checks, type filtering, retries,
 * dead-letter topics — is Herald's real code.
 *
 * <pre>{@code
 * InMemoryTransport transport = new InMemoryTransport();
 * Herald herald = Herald.builder().withAppName("billing").withTransport(transport).build();
 * herald.listen(Binding.direct("trade", "pay-succ"), Payment.class, m -> paid.add(m.payload()));
 * herald.start();
 * herald.sender().send("trade", "pay-succ", "order-1", new Payment(...));
 * assertThat(paid).hasSize(1);
 * assertThat(transport.records("trade.billing.dlt")).isEmpty();
 * }</pre>
 *
 * Each topic has one partition; each group reads a topic from its beginning; back-off waits are
 * recorded ({@link #backoffs()}) instead of slept. Thread-safe (one lock; deliveries are serial).
 *
 * <p>Delayed messages ({@code sendDelayed}, {@code sendAt}) are kept in {@code herald.delay} as the
 * SDK writes them, and delivered to their target topic (without the delay headers, as the server's
 * scheduler does) once due by this transport's clock: real time plus what {@link #advanceClock}
 * added. So {@code transport.advanceClock(Duration.ofMinutes(5))} delivers what is due within five
 * minutes, synchronously, before it returns. Timepoints (tracing) land in {@code herald.trace},
 * written asynchronously by Herald's trace thread.
 */
public final class InMemoryTransport implements Transport {

    private final Map<String, List<StoredRecord>> topics = new HashMap<>();
    private final List<InMemorySubscription> subscriptions = new ArrayList<>();
    private final List<Long> backoffs = new ArrayList<>();
    private final List<StoredRecord> pendingDelayed = new ArrayList<>();
    private Duration clockOffset = Duration.ZERO;

    /** A record as stored. */
    public record StoredRecord(String topic, long offset, long timestamp, byte[] key, byte[] value, Headers headers)
            implements IncomingRecord {

        public int partition() {
            return 0;
        }

        /** The payload as UTF-8 text. */
        public String valueAsString() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }

        /** The key as UTF-8 text, or {@code null}. */
        public String keyAsString() {
            return key == null ? null : new String(key, StandardCharsets.UTF_8);
        }

        /** A header as UTF-8 text, or {@code null}. */
        public String header(String name) {
            Header h = headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void publish(OutgoingRecord record, PublishCallback callback) {
        StoredRecord stored;
        synchronized (this) {
            List<StoredRecord> log = topics.computeIfAbsent(record.topic(), t -> new ArrayList<>());
            stored = new StoredRecord(record.topic(), log.size(), record.timestamp(), record.key(), record.value(),
                    new RecordHeaders(record.headers()));
            log.add(stored);
            if (HeraldTopics.DELAY.equals(record.topic())) {
                pendingDelayed.add(stored);
            }
        }
        callback.onComplete(0, stored.offset(), stored.timestamp(), null);
        deliverDueDelayed();
        deliverAll();
    }

    /** This transport's clock: real time plus what {@link #advanceClock} added. */
    public synchronized Instant now() {
        return Instant.now().plus(clockOffset);
    }

    /** Moves this transport's clock forward and delivers the delayed messages that became due. */
    public void advanceClock(Duration duration) {
        synchronized (this) {
            clockOffset = clockOffset.plus(duration);
        }
        deliverDueDelayed();
    }

    /** Delayed messages not yet due, as written to {@code herald.delay}. */
    public synchronized List<StoredRecord> pendingDelayed() {
        return List.copyOf(pendingDelayed);
    }

    /** Delivers the delayed messages that are due by {@link #now()} to their target topics. */
    public void deliverDueDelayed() {
        List<StoredRecord> due = new ArrayList<>();
        synchronized (this) {
            if (pendingDelayed.isEmpty()) {
                return;
            }
            long now = now().toEpochMilli();
            pendingDelayed.removeIf(r -> {
                String until = r.header(HeraldHeaders.DELAY_UNTIL);
                boolean isDue = until == null || Long.parseLong(until.strip()) <= now;
                if (isDue) {
                    due.add(r);
                }
                return isDue;
            });
        }
        for (StoredRecord r : due) {
            String target = r.header(HeraldHeaders.TARGET_TOPIC);
            if (target == null) {
                continue;
            }
            List<Header> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                if (!h.key().equals(HeraldHeaders.DELAY_UNTIL) && !h.key().equals(HeraldHeaders.TARGET_TOPIC)
                    && !h.key().equals(HeraldHeaders.DELAY_ID)) {
                    headers.add(h);
                }
            }
            publish(new OutgoingRecord(target, r.key(), r.value(), now().toEpochMilli(), new ArrayList<>(headers)),
                    (p, o, t, e) -> { });
        }
    }

    /**
     * Appends a record as a plain Kafka producer would write it (no CloudEvents headers), and
     * delivers it. For testing how listeners treat foreign records.
     */
    public void publishRaw(String topic, String key, byte[] value, Header... headers) {
        publish(new OutgoingRecord(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
                System.currentTimeMillis(), new ArrayList<>(List.of(headers))), (p, o, t, e) -> { });
    }

    @Override
    public synchronized Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
        InMemorySubscription s = new InMemorySubscription(spec, processor);
        subscriptions.add(s);
        deliverAll();
        return s;
    }

    /** Every record of the topic so far (dead-letter topics included), oldest first. */
    public synchronized List<StoredRecord> records(String topic) {
        return List.copyOf(topics.getOrDefault(topic, List.of()));
    }

    /** Names of the topics written so far. */
    public synchronized List<String> topics() {
        return List.copyOf(topics.keySet());
    }

    /** The back-off waits Herald asked for, in order (none were slept). */
    public synchronized List<Long> backoffs() {
        return Collections.unmodifiableList(new ArrayList<>(backoffs));
    }

    /** Forgets all records and back-offs (subscriptions stay). */
    public synchronized void clear() {
        topics.clear();
        backoffs.clear();
        pendingDelayed.clear();
        subscriptions.forEach(s -> s.next = 0);
    }

    private synchronized void deliverAll() {
        for (InMemorySubscription s : List.copyOf(subscriptions)) {
            s.drain();
        }
    }

    @Override
    public void close() {
    }

    private final class InMemorySubscription implements Subscription, DeliveryContext {
        final SubscriptionSpec spec;
        final RecordProcessor processor;
        int next;
        boolean paused;
        boolean closed;
        boolean draining;

        InMemorySubscription(SubscriptionSpec spec, RecordProcessor processor) {
            this.spec = spec;
            this.processor = processor;
        }

        /** Runs under the transport's lock; re-entrant calls (a listener that sends) are picked up by the outer loop. */
        void drain() {
            if (draining) {
                return;
            }
            draining = true;
            try {
                List<StoredRecord> log = topics.getOrDefault(spec.topic(), List.of());
                while (!paused && !closed && next < log.size()) {
                    try {
                        processor.process(log.get(next), this);
                    } catch (AbortDeliveryException e) {
                        return;
                    }
                    next++;
                    log = topics.getOrDefault(spec.topic(), List.of());
                }
            } finally {
                draining = false;
            }
        }

        @Override
        public void pause() {
            synchronized (InMemoryTransport.this) {
                paused = true;
            }
        }

        @Override
        public void resume() {
            synchronized (InMemoryTransport.this) {
                paused = false;
                drain();
            }
        }

        @Override
        public boolean isPaused() {
            synchronized (InMemoryTransport.this) {
                return paused;
            }
        }

        @Override
        public long lag() {
            synchronized (InMemoryTransport.this) {
                return topics.getOrDefault(spec.topic(), List.of()).size() - next;
            }
        }

        @Override
        public void close(Duration timeout) {
            synchronized (InMemoryTransport.this) {
                closed = true;
                subscriptions.remove(this);
            }
        }

        @Override
        public boolean awaitBackoff(long millis) {
            backoffs.add(millis);
            return !closed;
        }

        @Override
        public boolean isStopping() {
            return closed;
        }
    }
}
