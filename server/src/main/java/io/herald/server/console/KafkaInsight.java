package io.herald.server.console;

import io.herald.server.cluster.ClusterAdmin;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaTopicState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * What the console reads from Kafka beyond the catalog: offsets, sizes, consumer groups and their
 * lag, and the dashboard's throughput (the change of offsets between two samples). One Admin
 * client, created on first use; every call is bounded by a short timeout so a slow Kafka makes a
 * page say so instead of hanging it.
 */
@Component
class KafkaInsight implements DisposableBean, ClusterAdmin {

    /** At most this many consumer groups are inspected per page. */
    static final int MAX_GROUPS = 1000;
    private static final long TIMEOUT_MS = 5000;
    private static final Duration SIZE_CACHE = Duration.ofSeconds(30);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(4);

    private final KafkaClientConfig clients;
    private volatile Admin admin;

    private volatile Map<TopicPartition, Long> sizes = Map.of();
    private volatile Instant sizesAt = Instant.EPOCH;

    private Sample previous;
    private Sample last;

    KafkaInsight(KafkaClientConfig clients) {
        this.clients = clients;
    }

    // ---- records the templates read --------------------------------------------------------

    record PartitionRow(int partition, int leader, List<Integer> replicas, List<Integer> isr, Long start, Long end, Long size) {
        public boolean underReplicated() {
            return isr.size() < replicas.size();
        }

        public Long messages() {
            return start == null || end == null ? null : end - start;
        }
    }

    record PartitionLag(int partition, Long committed, Long end) {
        public Long lag() {
            return committed == null || end == null ? null : Math.max(0, end - committed);
        }
    }

    /** A consumer group's position on one topic; {@code bound} when a Herald binding names it. */
    record GroupLag(String group, boolean bound, String state, int members, List<PartitionLag> partitions) {
        public long totalLag() {
            return partitions.stream().map(PartitionLag::lag).filter(l -> l != null).mapToLong(Long::longValue).sum();
        }

        public boolean committed() {
            return partitions.stream().anyMatch(p -> p.committed() != null);
        }
    }

    record TopicLive(List<PartitionRow> partitions, List<GroupLag> groups, Instant at) {
        public long totalMessages() {
            return partitions.stream().map(PartitionRow::messages).filter(m -> m != null).mapToLong(Long::longValue).sum();
        }

        public Long totalSize() {
            if (partitions.stream().anyMatch(p -> p.size() == null)) {
                return null;
            }
            return partitions.stream().mapToLong(PartitionRow::size).sum();
        }

        public long underReplicated() {
            return partitions.stream().filter(PartitionRow::underReplicated).count();
        }
    }

    record TopicRate(String topic, Double in, Double out, long written) {
    }

    record Lagging(String group, String topic, long lag) {
    }

    /** The dashboard's Kafka figures; rates are null until two samples exist. */
    record Dashboard(List<TopicRate> busiest, List<Lagging> lagging, int groups, boolean measuring, Instant at) {
    }

    private record Sample(Instant at, Map<String, Long> written, Map<String, Long> consumed, Map<String, Map<String, Long>> lag,
                          int groups) {
    }

    // ---- topic detail -----------------------------------------------------------------------

    /** Offsets, sizes and the consumer groups of one topic. */
    TopicLive live(KafkaTopicState state, Collection<String> boundGroups) {
        Admin a = admin();
        List<TopicPartition> tps = state.partitions().stream().map(p -> new TopicPartition(state.name(), p.partition())).toList();
        Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
        tps.forEach(tp -> {
            earliestSpec.put(tp, OffsetSpec.earliest());
            latestSpec.put(tp, OffsetSpec.latest());
        });
        // Independent requests go out together; each page waits for the slowest, not the sum.
        ListOffsetsResult earliest = a.listOffsets(earliestSpec);
        ListOffsetsResult latest = a.listOffsets(latestSpec);
        KafkaFuture<Collection<GroupListing>> listed = a.listGroups(ListGroupsOptions.forConsumerGroups()).valid();
        KafkaFuture<Map<Integer, Map<String, LogDirDescription>>> logDirs = sizesStale() ? logDirs(a) : null;

        Map<TopicPartition, Long> start = offsets(earliest, tps);
        Map<TopicPartition, Long> end = offsets(latest, tps);
        Set<String> candidates = new LinkedHashSet<>(boundGroups);
        Map<String, GroupListing> listings = new HashMap<>();
        for (GroupListing g : await(listed, "list consumer groups")) {
            listings.put(g.groupId(), g);
            if (candidates.size() < MAX_GROUPS) {
                candidates.add(g.groupId());
            }
        }
        if (logDirs != null) {
            refreshSizes(logDirs);
        }
        Map<TopicPartition, Long> sizeNow = sizes;

        List<PartitionRow> rows = state.partitions().stream().map(p -> {
            TopicPartition tp = new TopicPartition(state.name(), p.partition());
            return new PartitionRow(p.partition(), p.leader(), p.replicas(), p.isr(), start.get(tp), end.get(tp), sizeNow.get(tp));
        }).toList();

        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(a, candidates, tps);
        Set<String> bound = new HashSet<>(boundGroups);
        List<String> shown = committed.entrySet().stream()
                .filter(e -> bound.contains(e.getKey()) || e.getValue().values().stream().anyMatch(o -> o != null))
                .map(Map.Entry::getKey).sorted().toList();
        // Only groups with members are described (for the member count): an empty group's state is in
        // the listing already, and describing a classic group costs the admin client a retry back-off.
        List<String> active = shown.stream().filter(g -> listings.containsKey(g) && !isEmpty(listings.get(g))).toList();
        Map<String, ConsumerGroupDescription> described = describe(a, active);
        List<GroupLag> groups = new ArrayList<>();
        for (String g : shown) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(g, Map.of());
            List<PartitionLag> lags = tps.stream().map(tp -> {
                OffsetAndMetadata o = offsets.get(tp);
                return new PartitionLag(tp.partition(), o == null ? null : o.offset(), end.get(tp));
            }).toList();
            ConsumerGroupDescription d = described.get(g);
            GroupListing l = listings.get(g);
            String groupState = d != null ? String.valueOf(d.groupState())
                    : l != null ? l.groupState().map(String::valueOf).orElse("UNKNOWN") : "NOT_SEEN";
            groups.add(new GroupLag(g, bound.contains(g), groupState, d == null ? 0 : d.members().size(), lags));
        }
        groups.sort(Comparator.comparing(GroupLag::totalLag).reversed().thenComparing(GroupLag::group));
        return new TopicLive(rows, groups, Instant.now());
    }

    // ---- dashboard ------------------------------------------------------------------------

    /**
     * Messages in (end offsets) and out (committed offsets of all groups) per second for the busiest
     * topics, and the most lagging groups. A sample is taken at most every few seconds, whoever asks.
     */
    synchronized Dashboard dashboard(Supplier<List<ConsoleStats.TopicRef>> topics) {
        if (last == null || Duration.between(last.at(), Instant.now()).compareTo(SAMPLE_EVERY) >= 0) {
            Sample s = sample(topics.get());
            previous = last;
            last = s;
        }
        Sample now = last;
        Sample before = previous;
        boolean measuring = before == null;
        double seconds = before == null ? 0 : Math.max(0.001, Duration.between(before.at(), now.at()).toMillis() / 1000.0);
        List<TopicRate> rates = new ArrayList<>();
        for (Map.Entry<String, Long> e : now.written().entrySet()) {
            Double in = null;
            Double out = null;
            if (before != null) {
                Long w0 = before.written().get(e.getKey());
                in = w0 == null ? null : Math.max(0, e.getValue() - w0) / seconds;
                Long c1 = now.consumed().get(e.getKey());
                Long c0 = before.consumed().get(e.getKey());
                out = c1 == null || c0 == null ? null : Math.max(0, c1 - c0) / seconds;
            }
            rates.add(new TopicRate(e.getKey(), in, out, e.getValue()));
        }
        rates.sort(Comparator.comparing((TopicRate r) -> r.in() == null ? 0 : r.in())
                .thenComparing(r -> r.out() == null ? 0 : r.out())
                .thenComparing(TopicRate::written).reversed());
        List<Lagging> lagging = new ArrayList<>();
        now.lag().forEach((group, byTopic) -> byTopic.forEach((topic, lag) -> {
            if (lag > 0) {
                lagging.add(new Lagging(group, topic, lag));
            }
        }));
        lagging.sort(Comparator.comparing(Lagging::lag).reversed());
        return new Dashboard(rates.subList(0, Math.min(10, rates.size())), lagging.subList(0, Math.min(10, lagging.size())),
                now.groups(), measuring, now.at());
    }

    private Sample sample(List<ConsoleStats.TopicRef> topics) {
        Admin a = admin();
        // Only topics Kafka has: asking for others makes the admin client log an error per partition.
        Set<String> existing = await(a.listTopics().names(), "list topics");
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (ConsoleStats.TopicRef t : topics) {
            if (!existing.contains(t.name())) {
                continue;
            }
            for (int p = 0; p < t.partitions(); p++) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                spec.put(tp, OffsetSpec.latest());
                tps.add(tp);
            }
        }
        KafkaFuture<Collection<GroupListing>> listed = a.listGroups(ListGroupsOptions.forConsumerGroups()).valid();
        Map<TopicPartition, Long> end = spec.isEmpty() ? Map.of() : offsets(a.listOffsets(spec), tps);
        Map<String, Long> written = new HashMap<>();
        end.forEach((tp, o) -> written.merge(tp.topic(), o, Long::sum));
        Set<String> groups = new LinkedHashSet<>();
        for (GroupListing g : await(listed, "list consumer groups")) {
            if (groups.size() >= MAX_GROUPS) {
                break;
            }
            groups.add(g.groupId());
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(a, groups, null);
        Map<String, Long> consumed = new HashMap<>();
        Map<String, Map<String, Long>> lag = new HashMap<>();
        committed.forEach((group, offsets) -> offsets.forEach((tp, o) -> {
            Long e = end.get(tp);
            if (o == null || e == null) {
                return; // not a catalog topic, or no commit
            }
            consumed.merge(tp.topic(), o.offset(), Long::sum);
            lag.computeIfAbsent(group, g -> new HashMap<>()).merge(tp.topic(), Math.max(0, e - o.offset()), Long::sum);
        }));
        return new Sample(Instant.now(), written, consumed, lag, groups.size());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committed(Admin a, Collection<String> groups,
                                                                          List<TopicPartition> tps) {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        for (String g : groups) {
            specs.put(g, tps == null ? new ListConsumerGroupOffsetsSpec() : new ListConsumerGroupOffsetsSpec().topicPartitions(tps));
        }
        ListConsumerGroupOffsetsResult result = a.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        for (String g : groups) {
            try {
                Map<TopicPartition, OffsetAndMetadata> m = result.partitionsToOffsetAndMetadata(g)
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                out.put(g, m == null ? Map.of() : m);
            } catch (ExecutionException e) {
                out.put(g, Map.of()); // e.g. the group does not exist (yet)
            } catch (TimeoutException e) {
                throw new KafkaUnavailableException("Kafka did not answer in time: list offsets of group " + g, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted", e);
            }
        }
        return out;
    }

    private static boolean isEmpty(GroupListing g) {
        return g.groupState().map(st -> st == GroupState.EMPTY || st == GroupState.DEAD).orElse(false);
    }

    private Map<String, ConsumerGroupDescription> describe(Admin a, List<String> groups) {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures = a.describeConsumerGroups(groups).describedGroups();
        Map<String, ConsumerGroupDescription> out = new HashMap<>();
        futures.forEach((g, f) -> {
            try {
                out.put(g, f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // shown as UNKNOWN
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return out;
    }

    private static Map<TopicPartition, Long> offsets(ListOffsetsResult result, List<TopicPartition> tps) {
        Map<TopicPartition, Long> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        for (TopicPartition tp : tps) {
            try {
                out.put(tp, result.partitionResult(tp).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).offset());
            } catch (ExecutionException e) {
                // a partition Kafka does not know (drift): no offsets shown for it
            } catch (TimeoutException e) {
                throw new KafkaUnavailableException("Kafka did not answer in time: list offsets", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted", e);
            }
        }
        return out;
    }

    private boolean sizesStale() {
        return Duration.between(sizesAt, Instant.now()).compareTo(SIZE_CACHE) > 0;
    }

    private KafkaFuture<Map<Integer, Map<String, LogDirDescription>>> logDirs(Admin a) {
        Collection<Node> nodes = await(a.describeCluster().nodes(), "describe the cluster");
        return a.describeLogDirs(nodes.stream().map(Node::id).toList()).allDescriptions();
    }

    private void refreshSizes(KafkaFuture<Map<Integer, Map<String, LogDirDescription>>> logDirs) {
        try {
            Map<TopicPartition, Long> next = new HashMap<>();
            for (Map<String, LogDirDescription> dirs : logDirs.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> r : dir.replicaInfos().entrySet()) {
                        next.merge(r.getKey(), r.getValue().size(), Math::max);
                    }
                }
            }
            sizes = next;
            sizesAt = Instant.now();
        } catch (ExecutionException | TimeoutException e) {
            // sizes are a nicety: the page shows "—"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("Kafka failed to " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer in time: " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
        }
    }

    @Override
    public long timeoutMs() {
        return TIMEOUT_MS;
    }

    @Override
    public Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> config = clients.base();
                    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-console");
                    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
                    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS - 1000);
                    config.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
                    // Describing a classic group falls back from the KIP-848 API after one retry back-off;
                    // the default 100 ms would add that to every topic page.
                    config.putIfAbsent(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 10);
                    admin = Admin.create(config);
                }
                a = admin;
            }
        }
        return a;
    }

    @Override
    public void destroy() {
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(2));
        }
    }
}
