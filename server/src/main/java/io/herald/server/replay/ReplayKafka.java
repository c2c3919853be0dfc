package io.herald.server.replay;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import io.herald.server.provisioning.KafkaTopicState;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

/** What replay needs from Kafka besides copying: offsets for times, topic shapes, dead letters to list. */
@Component
class ReplayKafka {

    private final Admin admin;
    private final KafkaProvisioner provisioner;
    private final KafkaClientConfig clients;
    private final long timeoutMs;

    ReplayKafka(KafkaClientConfig clients, KafkaProvisioner provisioner) {
        this.clients = clients;
        this.provisioner = provisioner;
        this.timeoutMs = clients.properties().operationTimeout().toMillis();
        Map<String, Object> config = clients.base();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-replay-admin");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeoutMs / 2));
        this.admin = Admin.create(config);
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }

    /** The topic's partition numbers, or empty when Kafka does not know the topic. */
    Optional<List<Integer>> partitions(String topic) {
        return provisioner.describe(topic).map(t -> t.partitions().stream().map(KafkaTopicState.PartitionState::partition).sorted().toList());
    }

    int partitionCount(String topic) {
        return partitions(topic).map(List::size).orElse(0);
    }

    void ensureTopic(String topic, int partitions, long retentionMs) {
        provisioner.ensureTopic(topic, partitions, retentionMs);
    }

    /** Per partition, the offsets [start, end) of the records stamped in [from, to). */
    Map<Integer, long[]> window(String topic, List<Integer> partitions, Instant from, Instant to) {
        Map<Integer, Long> earliest = offsets(topic, partitions, OffsetSpec.earliest());
        Map<Integer, Long> latest = offsets(topic, partitions, OffsetSpec.latest());
        Map<Integer, Long> atFrom = offsets(topic, partitions, OffsetSpec.forTimestamp(from.toEpochMilli()));
        Map<Integer, Long> atTo = offsets(topic, partitions, OffsetSpec.forTimestamp(to.toEpochMilli()));
        Map<Integer, long[]> out = new HashMap<>();
        for (int p : partitions) {
            long end = atTo.get(p) < 0 ? latest.get(p) : atTo.get(p);
            long start = atFrom.get(p) < 0 ? end : Math.max(atFrom.get(p), earliest.get(p));
            out.put(p, new long[] {Math.min(start, end), end});
        }
        return out;
    }

    /** Per partition, the offsets [log start, log end) of everything the topic holds now. */
    Map<Integer, long[]> everything(String topic, List<Integer> partitions) {
        Map<Integer, Long> earliest = offsets(topic, partitions, OffsetSpec.earliest());
        Map<Integer, Long> latest = offsets(topic, partitions, OffsetSpec.latest());
        Map<Integer, long[]> out = new HashMap<>();
        for (int p : partitions) {
            out.put(p, new long[] {earliest.get(p), latest.get(p)});
        }
        return out;
    }

    private Map<Integer, Long> offsets(String topic, List<Integer> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p), spec));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
            Map<Integer, Long> out = new HashMap<>();
            result.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while asking Kafka for offsets of " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer the offsets of " + topic + " in time: " + e.getMessage(), e);
        }
    }

    /** Size and the oldest and newest time stamps of a topic. */
    record TopicStats(long total, Instant oldest, Instant newest) {
    }

    /**
     * Per topic Kafka knows, how many records it holds and the time stamps of its oldest and newest
     * record: one metadata request and four offset requests for all topics together. Topics Kafka
     * does not know are left out.
     */
    Map<String, TopicStats> stats(java.util.Collection<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Integer>> partitions = new HashMap<>();
        try {
            var described = admin.describeTopics(topics).topicNameValues();
            for (var e : described.entrySet()) {
                try {
                    partitions.put(e.getKey(), e.getValue().get(timeoutMs + 1000, TimeUnit.MILLISECONDS).partitions().stream()
                            .map(org.apache.kafka.common.TopicPartitionInfo::partition).toList());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw new KafkaUnavailableException("Kafka did not describe " + e.getKey() + ": " + ex.getMessage(), ex);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while describing dead-letter topics", e);
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not describe the dead-letter topics in time", e);
        }
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> earliest = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = offsets(partitions, OffsetSpec.latest());
        // the first record stamped at or after the epoch is the oldest one held; max-timestamp is KIP-734
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> first = offsets(partitions, OffsetSpec.forTimestamp(0));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> max = offsets(partitions, OffsetSpec.maxTimestamp());
        Map<String, TopicStats> out = new HashMap<>();
        partitions.forEach((topic, ps) -> {
            long total = 0;
            Long oldest = null;
            Long newest = null;
            for (int p : ps) {
                TopicPartition tp = new TopicPartition(topic, p);
                long n = latest.get(tp).offset() - earliest.get(tp).offset();
                total += Math.max(0, n);
                if (n <= 0) {
                    continue;
                }
                long f = first.get(tp).offset() >= 0 ? first.get(tp).timestamp() : -1;
                long m = max.get(tp).offset() >= 0 ? max.get(tp).timestamp() : -1;
                if (f >= 0) {
                    oldest = oldest == null ? f : Math.min(oldest, f);
                }
                if (m >= 0) {
                    newest = newest == null ? m : Math.max(newest, m);
                }
            }
            out.put(topic, new TopicStats(total, oldest == null ? null : Instant.ofEpochMilli(oldest),
                    newest == null ? null : Instant.ofEpochMilli(newest)));
        });
        return out;
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Map<String, List<Integer>> partitions,
                                                                                  OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach((t, ps) -> ps.forEach(p -> request.put(new TopicPartition(t, p), spec)));
        try {
            return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while asking Kafka for offsets", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer the offsets of the dead-letter topics in time: "
                    + e.getMessage(), e);
        }
    }

    /** A consumer without a group for reading ranges of records. */
    KafkaConsumer<byte[], byte[]> reader(String clientId, int maxPollRecords) {
        Map<String, Object> config = clients.base();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    Map<String, Object> producerConfig(String clientId) {
        Map<String, Object> config = clients.base();
        config.put("client.id", clientId);
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        config.put("linger.ms", 5);
        config.put("batch.size", 256 * 1024);
        config.put("max.block.ms", timeoutMs);
        config.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        config.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return config;
    }

    /** Reads up to {@code limit} records of a topic from the start of each partition, oldest partition first. */
    List<DeadLetterView.DeadLetter> read(String topic, List<Integer> partitions, int limit) {
        Map<Integer, long[]> ranges = everything(topic, partitions);
        List<DeadLetterView.DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = reader("herald-dead-letter-reader", Math.min(500, Math.max(1, limit)))) {
            for (int p : partitions) {
                long[] range = ranges.get(p);
                if (range[0] >= range[1] || out.size() >= limit) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, p);
                c.assign(List.of(tp));
                c.seek(tp, range[0]);
                long deadline = System.currentTimeMillis() + timeoutMs;
                while (out.size() < limit && c.position(tp) < range[1] && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
                        if (r.offset() >= range[1] || out.size() >= limit) {
                            break;
                        }
                        out.add(deadLetter(r));
                    }
                }
            }
        }
        return out;
    }

    static DeadLetterView.DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
        return new DeadLetterView.DeadLetter(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                header(r, HeraldHeaders.CE_ID), header(r, HeraldHeaders.CE_TYPE),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), header(r, HeraldHeaders.DLT_REASON),
                header(r, HeraldHeaders.DLT_EXCEPTION_CLASS), header(r, HeraldHeaders.DLT_EXCEPTION_MESSAGE),
                header(r, HeraldHeaders.DLT_ORIGINAL_TOPIC), integer(header(r, HeraldHeaders.DLT_ORIGINAL_PARTITION)),
                longValue(header(r, HeraldHeaders.DLT_ORIGINAL_OFFSET)));
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Integer integer(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long longValue(String s) {
        try {
            return s == null ? null : Long.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The end offsets of {@code topic}'s partitions as {@code partition:offset,...} (the job's marks on its target). */
    static String marks(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        StringBuilder out = new StringBuilder();
        java.util.TreeMap<Integer, Long> ends = new java.util.TreeMap<>();
        consumer.endOffsets(tps, Duration.ofSeconds(30)).forEach((tp, offset) -> ends.put(tp.partition(), offset));
        ends.forEach((partition, offset) -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(partition).append(':').append(offset);
        });
        return out.toString();
    }

    /**
     * How many records of replay job {@code job} sit in {@code topic} at or after {@code marks}: the
     * ones a crashed instance wrote after the job last stored its progress. {@code keepAlive} runs
     * between polls (the caller renews its lease there: the count can take longer than the lease).
     */
    long writtenSince(String topic, String marks, long job, Runnable keepAlive) {
        Map<TopicPartition, Long> from = new HashMap<>();
        for (String part : marks.split(",")) {
            if (!part.isBlank()) {
                String[] po = part.split(":");
                from.put(new TopicPartition(topic, Integer.parseInt(po[0].strip())), Long.parseLong(po[1].strip()));
            }
        }
        if (from.isEmpty()) {
            return 0;
        }
        byte[] id = Long.toString(job).getBytes(StandardCharsets.UTF_8);
        long found = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = reader("herald-replay-" + job + "-resume", 2000)) {
            consumer.assign(from.keySet());
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet(), Duration.ofSeconds(30));
            Map<TopicPartition, Long> open = new HashMap<>();
            from.forEach((tp, offset) -> {
                if (ends.getOrDefault(tp, 0L) > offset) {
                    consumer.seek(tp, offset);
                    open.put(tp, ends.get(tp));
                }
            });
            consumer.pause(from.keySet().stream().filter(tp -> !open.containsKey(tp)).toList());
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                keepAlive.run();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Long end = open.get(new TopicPartition(r.topic(), r.partition()));
                    if (end != null && r.offset() < end) {
                        Header h = r.headers().lastHeader(HeraldHeaders.REPLAY_JOB);
                        if (h != null && java.util.Arrays.equals(h.value(), id)) {
                            found++;
                        }
                    }
                }
                for (TopicPartition tp : List.copyOf(open.keySet())) {
                    if (consumer.position(tp) >= open.get(tp)) {
                        open.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
            }
            if (!open.isEmpty()) {
                throw new IllegalStateException("could not read " + topic + " to its end within 5 minutes to count what the job"
                        + " wrote before it was resumed");
            }
        }
        return found;
    }
}
