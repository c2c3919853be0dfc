package io.herald.server.search;

import io.herald.server.common.ConflictException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.Violations;
import io.herald.server.provisioning.KafkaClientConfig;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Searches a topic's payloads server-side: a consumer of its own (no group, nothing committed) is assigned the
 * chosen partitions, starts at the offsets for the range's start time and reads to the offsets for its end,
 * one poll at a time; each record is matched on its bytes and dropped, so a search never holds more than one
 * poll's records and the hits it keeps ({@link SearchProperties#maxHits()}, each cut at 64 KiB).
 *
 * <p>The API streams a search on its request ({@link #open}); the console runs it as a job on a background
 * thread ({@link #start}) that its page polls for progress and new hits, and may stop.
 */
@Service
public class PayloadSearch {

    private static final Logger log = LoggerFactory.getLogger(PayloadSearch.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
    /** A search whose partitions give nothing for this long (the broker went away) ends as failed. */
    private static final Duration STALL = Duration.ofSeconds(30);

    /** Why a search ended. */
    public enum Reason {
        /** The whole range was read. */
        END_OF_RANGE("end-of-range"),
        /** The scan limit was reached first. */
        SCAN_LIMIT("scan-limit"),
        /** As many hits as a search keeps were found. */
        HIT_LIMIT("hit-limit"),
        /** The user stopped it, or the API client went away. */
        STOPPED("stopped"),
        /** Kafka failed. */
        FAILED("failed");

        private final String wire;

        Reason(String wire) {
            this.wire = wire;
        }

        /** How the API and the console name it. */
        public String wire() {
            return wire;
        }
    }

    /** How a search ended. */
    public record Summary(long scanned, long total, long hits, Reason reason, String error, long millis) {
    }

    /** Receives the hits of a search as they are found; false stops the search. */
    @FunctionalInterface
    public interface Sink {
        boolean hit(SearchHit hit) throws Exception;
    }

    /** A checked search: partitions, matcher and limit, ready to run. */
    public record Plan(String topic, List<Integer> partitions, PayloadMatcher matcher, String type, Instant from, Instant to,
                       long maxScan, SearchRequest request) {
    }

    private final KafkaClientConfig clients;
    private final SearchProperties props;
    private final Map<String, SearchJob> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "herald-search");
        t.setDaemon(true);
        return t;
    });

    PayloadSearch(KafkaClientConfig clients, SearchProperties props) {
        this.clients = clients;
        this.props = props;
    }

    public SearchProperties settings() {
        return props;
    }

    /** Searches reading right now on this instance (console jobs and API streams). */
    public int running() {
        return running.get();
    }

    /**
     * Checks a request against a topic of {@code topicPartitions} partitions; a ValidationException names
     * every field at fault ({@code text}, {@code jsonPath}, {@code value}, {@code from}, {@code to},
     * {@code partitions}, {@code maxScan}, {@code type}).
     */
    public Plan plan(SearchRequest r, int topicPartitions) {
        Violations v = new Violations();
        PayloadMatcher matcher = null;
        try {
            matcher = PayloadMatcher.of(r.text(), r.jsonPath(), r.value());
        } catch (io.herald.server.common.ValidationException e) {
            e.violations().forEach(f -> v.add(f.field(), f.message()));
        }
        if (r.from() != null && r.to() != null && !r.from().isBefore(r.to())) {
            v.add("to", "must be after from");
        }
        TreeSet<Integer> parts = new TreeSet<>();
        if (r.partitions() == null || r.partitions().isEmpty()) {
            for (int p = 0; p < topicPartitions; p++) {
                parts.add(p);
            }
        } else {
            for (Integer p : r.partitions()) {
                if (p == null || p < 0 || p >= topicPartitions) {
                    v.add("partitions", "partition " + p + " does not exist: the topic has partitions 0 to " + (topicPartitions - 1));
                    break;
                }
                parts.add(p);
            }
        }
        long maxScan = r.maxScan() == null ? props.defaultScan() : r.maxScan();
        if (maxScan < 1 || maxScan > props.maxScan()) {
            v.add("maxScan", "must be between 1 and " + props.maxScan());
        }
        String type = r.type() == null || r.type().isBlank() ? null : r.type().strip();
        if (type != null && type.length() > 255) {
            v.add("type", "must be at most 255 characters");
        }
        v.throwIfAny();
        return new Plan(r.topic(), List.copyOf(parts), matcher, type, r.from(), r.to(), maxScan, r);
    }

    // ---- the scan --------------------------------------------------------------------------------

    /**
     * Opens a search: the consumer is created and the range's offsets looked up now, so that Kafka being away
     * is a {@link KafkaUnavailableException} before anything is streamed.
     */
    public Scan open(Plan plan) {
        KafkaConsumer<byte[], byte[]> consumer = consumer();
        try {
            return new Scan(plan, consumer);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            if (e instanceof KafkaException) {
                throw new KafkaUnavailableException("Kafka failed while reading " + plan.topic() + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** One search's consumer and range; {@link #run} reads it once. */
    public final class Scan implements AutoCloseable {
        private final Plan plan;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Long> start = new HashMap<>();
        private final long[] stop;
        private final long total;
        private volatile long scanned;

        private Scan(Plan plan, KafkaConsumer<byte[], byte[]> consumer) {
            this.plan = plan;
            this.consumer = consumer;
            List<TopicPartition> tps = plan.partitions().stream().map(p -> new TopicPartition(plan.topic(), p)).toList();
            consumer.assign(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, KAFKA_TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, KAFKA_TIMEOUT);
            Map<TopicPartition, OffsetAndTimestamp> from = times(tps, plan.from());
            Map<TopicPartition, OffsetAndTimestamp> to = times(tps, plan.to());
            int max = plan.partitions().isEmpty() ? 0 : plan.partitions().get(plan.partitions().size() - 1) + 1;
            stop = new long[max];
            long sum = 0;
            for (TopicPartition tp : tps) {
                long b = begin.getOrDefault(tp, 0L);
                long e = end.getOrDefault(tp, 0L);
                long s = plan.from() == null ? b : from.get(tp) == null ? e : Math.max(b, from.get(tp).offset());
                long t = plan.to() == null ? e : to.get(tp) == null ? e : Math.min(e, to.get(tp).offset());
                stop[tp.partition()] = t;
                if (s < t) {
                    start.put(tp, s);
                    sum += t - s;
                }
            }
            total = sum;
        }

        private Map<TopicPartition, OffsetAndTimestamp> times(List<TopicPartition> tps, Instant at) {
            if (at == null) {
                return Map.of();
            }
            Map<TopicPartition, Long> ask = new HashMap<>();
            tps.forEach(tp -> ask.put(tp, at.toEpochMilli()));
            return consumer.offsetsForTimes(ask, KAFKA_TIMEOUT);
        }

        /** Records in the range (offsets; transaction markers and compacted records are counted but never read). */
        public long total() {
            return total;
        }

        /** Records read so far. */
        public long scanned() {
            return scanned;
        }

        /** Reads the range, giving each hit to the sink, until the end, a limit, the sink or {@code stopped} says stop. */
        public Summary run(Sink sink, BooleanSupplier stopped) {
            long began = System.nanoTime();
            running.incrementAndGet();
            long n = 0;
            long hits = 0;
            Reason reason = Reason.END_OF_RANGE;
            String error = null;
            try {
                byte[] type = plan.type() == null ? null : plan.type().getBytes(StandardCharsets.UTF_8);
                PayloadMatcher matcher = plan.matcher();
                long maxScan = plan.maxScan();
                int maxHits = props.maxHits();
                List<TopicPartition> active = new ArrayList<>(start.keySet());
                if (!active.isEmpty()) {
                    consumer.assign(active);
                    start.forEach(consumer::seek);
                }
                long lastProgress = System.nanoTime();
                scan:
                while (!active.isEmpty()) {
                    if (stopped.getAsBoolean()) {
                        reason = Reason.STOPPED;
                        break;
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        lastProgress = System.nanoTime();
                    }
                    for (TopicPartition tp : records.partitions()) {
                        long stopAt = stop[tp.partition()];
                        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                            if (r.offset() >= stopAt) {
                                break;
                            }
                            n++;
                            if ((type == null || typeIs(r, type)) && matcher.matches(r.value())) {
                                hits++;
                                if (!sink.hit(hit(r))) {
                                    reason = Reason.STOPPED;
                                    break scan;
                                }
                                if (hits >= maxHits) {
                                    reason = Reason.HIT_LIMIT;
                                    break scan;
                                }
                            }
                            if (n >= maxScan) {
                                reason = Reason.SCAN_LIMIT;
                                break scan;
                            }
                        }
                    }
                    scanned = n;
                    if (props.maxRate() > 0) {
                        // ahead of the rate: wait (in short steps, so that Stop is heard) until the rate allows n
                        long due = began + n * 1_000_000_000L / props.maxRate();
                        while (System.nanoTime() < due && !stopped.getAsBoolean()) {
                            Thread.sleep(Math.max(1, Math.min(50, (due - System.nanoTime()) / 1_000_000)));
                        }
                        lastProgress = System.nanoTime();
                    }
                    boolean done = false;
                    for (Iterator<TopicPartition> it = active.iterator(); it.hasNext(); ) {
                        TopicPartition tp = it.next();
                        if (consumer.position(tp, KAFKA_TIMEOUT) >= stop[tp.partition()]) {
                            it.remove();
                            done = true;
                        }
                    }
                    if (done) {
                        consumer.pause(consumer.assignment().stream().filter(tp -> !active.contains(tp)).toList());
                        lastProgress = System.nanoTime();
                    }
                    if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                        reason = Reason.FAILED;
                        error = "Kafka returned no records for " + STALL.toSeconds() + " s";
                        break;
                    }
                }
            } catch (KafkaException e) {
                reason = Reason.FAILED;
                error = "Kafka failed: " + e.getMessage();
                log.warn("search of {} failed: {}", plan.topic(), e.toString());
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                // the sink failed: the API client went away
                reason = Reason.STOPPED;
                log.debug("search of {} stopped: {}", plan.topic(), e.toString());
            } finally {
                running.decrementAndGet();
            }
            scanned = n;
            return new Summary(n, total, hits, reason, error, (System.nanoTime() - began) / 1_000_000);
        }

        @Override
        public void close() {
            try {
                consumer.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                log.debug("closing a search consumer: {}", e.toString());
            }
        }
    }

    private static boolean typeIs(ConsumerRecord<byte[], byte[]> r, byte[] type) {
        Header h = r.headers().lastHeader(io.herald.sdk.wire.HeraldHeaders.CE_TYPE);
        return h != null && Arrays.equals(h.value(), type);
    }

    /** A record as a hit, its value cut at {@link SearchHit#MAX_VALUE}. */
    public static SearchHit hit(ConsumerRecord<byte[], byte[]> r) {
        return hit(r, SearchHit.MAX_VALUE);
    }

    /** A record as a hit, its value cut at {@code maxValue} bytes. */
    public static SearchHit hit(ConsumerRecord<byte[], byte[]> r, int maxValue) {
        List<SearchHit.Header> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new SearchHit.Header(h.key(), h.value()));
        }
        byte[] value = r.value();
        boolean cut = value != null && value.length > maxValue;
        int size = (r.key() == null ? 0 : r.key().length) + (value == null ? 0 : value.length);
        return new SearchHit(r.partition(), r.offset(), r.timestamp(), r.key(), List.copyOf(headers),
                cut ? Arrays.copyOf(value, maxValue) : value, cut, size);
    }

    // ---- console jobs ----------------------------------------------------------------------------

    /** Starts a search on a background thread for a console user; a ConflictException when too many run. */
    public SearchJob start(String owner, Plan plan) {
        sweep();
        long busy = jobs.values().stream().filter(SearchJob::running).count();
        if (busy >= props.maxJobs()) {
            throw new ConflictException("Already " + busy + " searches are running on this server (at most "
                    + props.maxJobs() + "): stop one or wait until one ends", null);
        }
        Scan scan = open(plan);
        SearchJob job = new SearchJob(UUID.randomUUID().toString(), owner, plan, scan.total(), props.maxHits());
        jobs.put(job.id(), job);
        threads.execute(() -> {
            try (scan) {
                job.attach(scan);
                Summary s = scan.run(hit -> {
                    job.add(hit);
                    return true;
                }, job::stopRequested);
                job.finish(s);
            } catch (RuntimeException e) {
                log.warn("search {} of {} failed", job.id(), plan.topic(), e);
                job.finish(new Summary(scan.scanned(), scan.total(), job.hitCount(), Reason.FAILED, e.toString(), 0));
            }
        });
        return job;
    }

    /** A search of this user; NotFoundException when there is none (or it was someone else's, or it expired). */
    public SearchJob job(String owner, String id) {
        SearchJob job = id == null ? null : jobs.get(id);
        if (job == null || !job.owner().equals(owner)) {
            throw new NotFoundException("Search", id == null ? "" : id);
        }
        job.seen();
        return job;
    }

    /** Stops a search of this user; true when it was still running. */
    public boolean stop(String owner, String id) {
        SearchJob job = job(owner, id);
        return job.requestStop();
    }

    /** Forgets searches not looked at for {@link SearchProperties#keep()} and stops those still running. */
    private void sweep() {
        long cutoff = System.nanoTime() - props.keep().toNanos();
        jobs.values().removeIf(j -> {
            if (j.lastSeen() < cutoff) {
                j.requestStop();
                return true;
            }
            return false;
        });
    }

    @PreDestroy
    void shutdown() {
        jobs.values().forEach(SearchJob::requestStop);
        threads.shutdownNow();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = clients.base();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-search");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
