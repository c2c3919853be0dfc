package io.herald.server.console;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.search.PayloadMatcher;
import io.herald.server.search.PayloadSearch;
import io.herald.server.search.SearchHit;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

/**
 * Reads a topic's messages for the console (newest N, from a time, from an offset; filtered by key
 * and type) with a short-lived consumer that joins no group and commits nothing (producing goes
 * through the ingestion service, as every other way in does). Payloads, keys and headers are only
 * decoded when the viewer may see them; otherwise they never leave this class.
 */
@Component
class MessageBrowser {

    /** At most this many records are read for one page, whatever the filters. */
    static final int MAX_SCAN = 10_000;
    /** Longer payloads are cut for display. */
    static final int MAX_SHOWN = 64 * 1024;
    private static final Duration READ_BUDGET = Duration.ofSeconds(4);

    private final KafkaClientConfig clients;
    private final ConsoleJson json;

    MessageBrowser(KafkaClientConfig clients, ConsoleJson json) {
        this.clients = clients;
        this.json = json;
    }

    enum Mode { NEWEST, TIME, OFFSET }

    /** What to read; {@code partition} null means every partition. */
    record Query(Mode mode, Integer partition, Instant from, Long offset, int limit, String key, String type,
                 PayloadMatcher matcher) {
        Query(Mode mode, Integer partition, Instant from, Long offset, int limit, String key, String type) {
            this(mode, partition, from, offset, limit, key, type, PayloadMatcher.any());
        }

        boolean filtered() {
            return key != null || type != null || matcher != PayloadMatcher.any();
        }
    }

    record HeaderView(String name, String value) {
    }

    /**
     * One record. Without message-view, {@code key}, {@code headers} and {@code body} are null.
     *
     * @param json the body is JSON and {@code body} is pretty-printed
     */
    record Message(int partition, long offset, Instant timestamp, String type, String id, String source, int size,
                   String key, List<HeaderView> headers, String body, boolean json, boolean binary, boolean truncated) {
        public boolean hasKey() {
            return key != null;
        }
    }

    record Result(List<Message> messages, int scanned, boolean capped) {
    }

    Result browse(String topic, int partitions, Query q, boolean payloads) {
        Read read = read(topic, partitions, q, payloads);
        return new Result(read.records().stream().map(r -> view(r, payloads)).toList(), read.scanned(), read.capped());
    }

    /** The records a browse shows, whole (for an export). */
    List<SearchHit> records(String topic, int partitions, Query q) {
        return read(topic, partitions, q, true).records().stream().map(r -> PayloadSearch.hit(r, Integer.MAX_VALUE)).toList();
    }

    private record Read(List<ConsumerRecord<byte[], byte[]>> records, int scanned, boolean capped) {
    }

    private Read read(String topic, int partitions, Query q, boolean payloads) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                if (q.partition() == null || q.partition() == p) {
                    tps.add(new TopicPartition(topic, p));
                }
            }
            // Assigned first: a read_committed consumer asked for offsets of partitions it does not hold warns
            // "Not updating last stable offset ... as it is no longer assigned" once per partition and call.
            consumer.assign(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, READ_BUDGET);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, READ_BUDGET);
            Map<TopicPartition, Long> start = new HashMap<>();
            Map<TopicPartition, OffsetAndTimestamp> byTime = Map.of();
            if (q.mode() == Mode.TIME && q.from() != null) {
                Map<TopicPartition, Long> ts = new HashMap<>();
                tps.forEach(tp -> ts.put(tp, q.from().toEpochMilli()));
                byTime = consumer.offsetsForTimes(ts, READ_BUDGET);
            }
            int window = q.filtered() ? Math.min(MAX_SCAN / Math.max(1, tps.size()), Math.max(q.limit() * 50, 1000)) : q.limit();
            for (TopicPartition tp : tps) {
                long b = begin.getOrDefault(tp, 0L);
                long e = end.getOrDefault(tp, 0L);
                long s = switch (q.mode()) {
                    case NEWEST -> Math.max(b, e - window);
                    case TIME -> byTime.get(tp) == null ? e : byTime.get(tp).offset();
                    case OFFSET -> q.offset() == null ? b : Math.min(Math.max(q.offset(), b), e);
                };
                if (s < e) {
                    start.put(tp, s);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            int scanned = 0;
            boolean capped = false;
            if (!start.isEmpty()) {
                consumer.assign(start.keySet());
                start.forEach(consumer::seek);
                Map<TopicPartition, Integer> matchedPer = new HashMap<>();
                Map<TopicPartition, Long> remaining = new HashMap<>();
                start.keySet().forEach(tp -> remaining.put(tp, end.get(tp)));
                long deadline = System.nanoTime() + READ_BUDGET.toNanos();
                while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        Long stop = remaining.get(tp);
                        if (stop == null || r.offset() >= stop) {
                            continue;
                        }
                        scanned++;
                        if (matches(r, q, payloads)) {
                            found.add(r);
                            int n = matchedPer.merge(tp, 1, Integer::sum);
                            if (q.mode() != Mode.NEWEST && n >= q.limit()) {
                                remaining.remove(tp);
                            }
                        }
                        if (scanned >= MAX_SCAN) {
                            capped = true;
                            remaining.clear();
                            break;
                        }
                    }
                    remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                }
                capped |= !remaining.isEmpty();
            }
            Comparator<ConsumerRecord<byte[], byte[]>> order = Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(
                    ConsumerRecord::timestamp).thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset);
            found.sort(q.mode() == Mode.NEWEST ? order.reversed() : order);
            return new Read(found.size() > q.limit() ? List.copyOf(found.subList(0, q.limit())) : found, scanned, capped);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("Kafka failed while reading " + topic + ": " + e.getMessage(), e);
        }
    }

    /** New messages of a live tail, newest first, and where the next poll goes on from (partition to offset). */
    record Tail(List<Message> messages, Map<Integer, Long> next, int scanned) {
    }

    /**
     * What arrived after {@code after} (partition to next offset), at most {@code window} records a partition
     * (a poll that falls further behind skips ahead to the newest); with no {@code after}, the newest
     * {@code window} a partition. Filtered like {@link #browse}; at most {@code q.limit()} are returned.
     */
    Tail tail(String topic, int partitions, Map<Integer, Long> after, int window, Query q, boolean payloads) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, READ_BUDGET);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, READ_BUDGET);
            Map<Integer, Long> next = new java.util.TreeMap<>();
            Map<TopicPartition, Long> start = new HashMap<>();
            for (TopicPartition tp : tps) {
                long b = begin.getOrDefault(tp, 0L);
                long e = end.getOrDefault(tp, 0L);
                Long from = after == null ? null : after.get(tp.partition());
                long s = Math.max(Math.max(b, e - window), from == null ? Long.MIN_VALUE : Math.min(from, e));
                next.put(tp.partition(), e);
                if (s < e) {
                    start.put(tp, s);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            int scanned = 0;
            if (!start.isEmpty()) {
                consumer.assign(start.keySet());
                start.forEach(consumer::seek);
                Map<TopicPartition, Long> remaining = new HashMap<>();
                start.keySet().forEach(tp -> remaining.put(tp, end.get(tp)));
                long deadline = System.nanoTime() + READ_BUDGET.toNanos();
                while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        Long stop = remaining.get(tp);
                        if (stop == null || r.offset() >= stop) {
                            continue;
                        }
                        scanned++;
                        if (matches(r, q, payloads)) {
                            found.add(r);
                        }
                    }
                    remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                }
                // a partition not read to its end in time goes on from where it got to
                remaining.keySet().forEach(tp -> next.put(tp.partition(), consumer.position(tp)));
            }
            found.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(ConsumerRecord::timestamp)
                    .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset).reversed());
            List<ConsumerRecord<byte[], byte[]>> shown = found.size() > q.limit() ? found.subList(0, q.limit()) : found;
            return new Tail(shown.stream().map(r -> view(r, payloads)).toList(), next, scanned);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("Kafka failed while reading " + topic + ": " + e.getMessage(), e);
        }
    }

    /** One record by partition and offset, or null when it no longer exists. */
    Message one(String topic, int partition, long offset, boolean payloads) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + READ_BUDGET.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return view(r, payloads);
                    }
                    if (r.offset() > offset) {
                        return null;
                    }
                }
                if (consumer.position(tp) > offset) {
                    return null;
                }
            }
            return null;
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("Kafka failed while reading " + topic + ": " + e.getMessage(), e);
        }
    }

    private static boolean matches(ConsumerRecord<byte[], byte[]> r, Query q, boolean payloads) {
        if (q.type() != null && !q.type().equals(header(r, HeraldHeaders.CE_TYPE))) {
            return false;
        }
        // Like the key, the payload filter only applies for a viewer who may see payloads.
        if (payloads && !q.matcher().matches(r.value())) {
            return false;
        }
        // The key is data: filtering by it would let a viewer without message-view probe for values.
        return q.key() == null || !payloads || (r.key() != null && q.key().equals(text(r.key())));
    }

    private Message view(ConsumerRecord<byte[], byte[]> r, boolean payloads) {
        return view(PayloadSearch.hit(r, MAX_SHOWN), payloads);
    }

    /** A record as the console shows it; without payloads only where it is and what type it has. */
    Message view(SearchHit r, boolean payloads) {
        int size = r.size();
        Instant at = Instant.ofEpochMilli(r.timestamp());
        String type = header(r.header(HeraldHeaders.CE_TYPE));
        String id = header(r.header(HeraldHeaders.CE_ID));
        String source = header(r.header(HeraldHeaders.CE_SOURCE));
        if (!payloads) {
            return new Message(r.partition(), r.offset(), at, type, id, source, size, null, null, null, false, false, false);
        }
        List<HeaderView> headers = new ArrayList<>();
        for (SearchHit.Header h : r.headers()) {
            headers.add(new HeaderView(h.name(), h.value() == null ? "" : display(h.value())));
        }
        String key = r.key() == null ? null : display(r.key());
        String body = null;
        boolean isJson = false;
        boolean binary = false;
        boolean truncated = r.truncated();
        if (r.value() != null) {
            // a value cut at 64 KiB may end inside a character: that end is replaced, the rest is still text
            String text = r.truncated() ? lenientText(r.value()) : text(r.value());
            if (text == null) {
                binary = true;
                byte[] shown = r.value().length > MAX_SHOWN ? java.util.Arrays.copyOf(r.value(), MAX_SHOWN) : r.value();
                body = Base64.getEncoder().encodeToString(shown);
                truncated |= shown.length < r.value().length;
            } else if (r.truncated()) {
                body = text;
            } else {
                isJson = text.length() <= MAX_SHOWN && json.parse(text) != null;
                String pretty = isJson ? json.pretty(text) : text;
                truncated = pretty.length() > MAX_SHOWN;
                body = truncated ? pretty.substring(0, MAX_SHOWN) : pretty;
            }
        }
        return new Message(r.partition(), r.offset(), at, type, id, source, size, key, headers, body, isJson, binary, truncated);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : display(h.value());
    }

    private static String header(byte[] value) {
        return value == null ? null : display(value);
    }

    /** UTF-8 text whose last few bytes may be a cut character, or null when the rest is not UTF-8 either. */
    private static String lenientText(byte[] bytes) {
        for (int cut = 0; cut < 4 && cut < bytes.length; cut++) {
            String t = text(java.util.Arrays.copyOf(bytes, bytes.length - cut));
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** UTF-8 text, or {@code base64:…} for bytes that are not. */
    private static String display(byte[] bytes) {
        String t = text(bytes);
        return t != null ? t : "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = clients.base();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-console-browser");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READ_BUDGET.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READ_BUDGET.toMillis());
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
