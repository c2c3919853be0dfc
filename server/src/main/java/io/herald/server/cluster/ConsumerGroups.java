package io.herald.server.cluster;

import io.herald.server.audit.Auditor;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.common.ConflictException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.security.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.stereotype.Service;

/**
 * Every consumer group of the cluster, Herald's (a binding or processor names it) and foreign ones:
 * state, members, lag per topic and partition; resetting a group's offsets on one topic and deleting
 * an empty group, both audited. Kafka only lets a group's offsets change while it has no member, so
 * both refuse a group with members (409) and point to Replay, which re-delivers to a running group.
 *
 * <p>A page of the list costs a fixed number of Kafka requests whatever the number of groups: one
 * list of all groups, one describe of the page's non-empty groups, one offset fetch of the page's
 * groups, and one list of end offsets for the partitions they committed (end offsets are cached for
 * {@link #END_CACHE}). Kafka does not report when a group last committed; Herald notes the first time
 * it sees a group's committed offsets change ({@code lastCommitSeen}), which is null until then.
 */
@Service
public class ConsumerGroups {

    /** Groups on one page of the list, when the caller does not say. */
    public static final int PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 500;
    static final Duration END_CACHE = Duration.ofMillis(1500);
    private static final int MAX_TRACKED = 20_000;
    static final List<String> TARGETS = List.of("EARLIEST", "LATEST", "TIME", "OFFSET");

    private final ClusterAdmin cluster;
    private final BindingService bindings;
    private final Auditor auditor;

    private final Map<TopicPartition, Cached> ends = new ConcurrentHashMap<>();
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Cached(long offset, long atNanos) {
    }

    private record Seen(long sum, Instant changedAt) {
    }

    ConsumerGroups(ClusterAdmin cluster, BindingService bindings, Auditor auditor) {
        this.cluster = cluster;
        this.bindings = bindings;
        this.auditor = auditor;
    }

    // ---- what the API and the console show ------------------------------------------------

    /** A group's lag on one topic: the sum over the partitions it committed; null when no end offset is known. */
    public record TopicLag(String topic, int partitions, Long lag) {
    }

    /**
     * One row of the list.
     *
     * @param kind  {@code BINDING} (a Herald binding or processor names it), {@code HERALD} (the server's
     *              own, e.g. replay jobs) or {@code FOREIGN}
     * @param type  Kafka's group protocol: {@code CLASSIC} or {@code CONSUMER} (KIP-848)
     */
    public record GroupSummary(String group, String kind, String state, String type, int members, List<TopicLag> topics,
                               Long totalLag, Instant lastCommitSeen) {
    }

    public record GroupList(List<GroupSummary> items, int total, int page, int size, int groups, Instant at) {
    }

    public record Member(String memberId, String clientId, String host, String instanceId, List<String> assignment) {
    }

    /** @param member the client id of the member the partition is assigned to, or null */
    public record PartitionLag(String topic, int partition, Long committed, Long end, Long lag, String member) {
    }

    public record GroupDetail(String group, String kind, String state, String type, String coordinator, String assignor,
                              List<Member> members, List<TopicLag> topics, List<PartitionLag> partitions, Long totalLag,
                              List<BindingRef> bindings, Instant lastCommitSeen, Instant at) {
    }

    public record BindingRef(long id, String app, String topic) {
    }

    /**
     * Where to move a group's offsets on one topic.
     *
     * @param to        EARLIEST, LATEST, TIME (the first record at or after {@code time}) or OFFSET
     * @param partition only this partition; every partition of the topic when absent
     */
    public record OffsetResetRequest(String topic, String to, String time, Long offset, Integer partition) {
    }

    public record PartitionReset(int partition, Long before, long after) {
    }

    public record OffsetResetResult(String group, String topic, String to, List<PartitionReset> partitions) {
    }

    // ---- list -------------------------------------------------------------------------------

    /**
     * One page of the groups whose name contains {@code q} (case-insensitive), in name order,
     * optionally only those in {@code state} (e.g. STABLE, EMPTY).
     */
    public GroupList list(String q, String state, int page, int size) {
        Admin a = cluster.admin();
        int pageSize = Math.max(1, Math.min(size, MAX_PAGE_SIZE));
        String needle = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        String wanted = state == null || state.isBlank() ? null : state.strip().toUpperCase(Locale.ROOT);
        Collection<GroupListing> all = await(a.listGroups(ListGroupsOptions.forConsumerGroups()).valid(), "list consumer groups");
        List<GroupListing> matching = all.stream()
                .filter(g -> needle.isEmpty() || g.groupId().toLowerCase(Locale.ROOT).contains(needle))
                .filter(g -> wanted == null || state(g).equals(wanted))
                .sorted(Comparator.comparing(GroupListing::groupId)).toList();
        int pages = Math.max(1, (matching.size() + pageSize - 1) / pageSize);
        int p = Math.max(0, Math.min(page, pages - 1));
        List<GroupListing> shown = matching.subList(Math.min(matching.size(), p * pageSize),
                Math.min(matching.size(), (p + 1) * pageSize));
        List<String> ids = shown.stream().map(GroupListing::groupId).toList();

        // The page's requests go out together: a page waits for the slowest, not the sum.
        List<String> active = shown.stream().filter(g -> !empty(g)).map(GroupListing::groupId).toList();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = active.isEmpty() ? Map.of()
                : a.describeConsumerGroups(active).describedGroups();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(a, ids);
        Map<TopicPartition, Long> end = endOffsets(a, committed.values().stream().flatMap(m -> m.keySet().stream()).toList());
        Set<String> bound = boundGroups();

        List<GroupSummary> rows = new ArrayList<>();
        for (GroupListing g : shown) {
            ConsumerGroupDescription d = described.containsKey(g.groupId()) ? get(described.get(g.groupId())) : null;
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(g.groupId(), Map.of());
            List<TopicLag> topics = topicLags(offsets, end);
            rows.add(new GroupSummary(g.groupId(), kind(g.groupId(), bound), d != null ? name(d.groupState()) : state(g),
                    g.type().map(Enum::name).orElse("CLASSIC"), d == null ? 0 : d.members().size(), topics, total(topics),
                    noteCommits(g.groupId(), offsets)));
        }
        return new GroupList(rows, matching.size(), p, pageSize, all.size(), Instant.now());
    }

    // ---- one group --------------------------------------------------------------------------

    /** A group's members and its lag per partition; 404 when Kafka knows no such group. */
    public GroupDetail detail(String group) {
        requireSane(group);
        Admin a = cluster.admin();
        KafkaFuture<ConsumerGroupDescription> describing = a.describeConsumerGroups(List.of(group)).describedGroups().get(group);
        Map<TopicPartition, OffsetAndMetadata> offsets = committed(a, List.of(group)).getOrDefault(group, Map.of());
        ConsumerGroupDescription d = describe(describing, group);
        if (d == null || (d.groupState() == GroupState.DEAD && offsets.isEmpty())) {
            throw new NotFoundException("Consumer group", group, "group");
        }
        Map<TopicPartition, String> owner = new HashMap<>();
        List<Member> members = new ArrayList<>();
        for (MemberDescription m : d.members()) {
            List<String> assigned = new ArrayList<>();
            m.assignment().topicPartitions().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                    .forEach(tp -> {
                        owner.put(tp, m.clientId());
                        assigned.add(tp.topic() + "-" + tp.partition());
                    });
            members.add(new Member(m.consumerId(), m.clientId(), m.host(), m.groupInstanceId().orElse(null), assigned));
        }
        members.sort(Comparator.comparing(Member::clientId).thenComparing(Member::memberId));
        Set<TopicPartition> tps = new TreeSet<>(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
        tps.addAll(offsets.keySet());
        tps.addAll(owner.keySet());
        Map<TopicPartition, Long> end = endOffsets(a, List.copyOf(tps));
        List<PartitionLag> partitions = new ArrayList<>();
        for (TopicPartition tp : tps) {
            OffsetAndMetadata o = offsets.get(tp);
            Long c = o == null ? null : o.offset();
            Long e = end.get(tp);
            partitions.add(new PartitionLag(tp.topic(), tp.partition(), c, e, c == null || e == null ? null : Math.max(0, e - c),
                    owner.get(tp)));
        }
        List<TopicLag> topics = topicLags(offsets, end);
        List<BindingRef> refs = bindings.list(Caller.SYSTEM, null, null, group).stream().filter(b -> b.group().equals(group))
                .map(b -> new BindingRef(b.id(), b.app(), b.topic())).toList();
        String kind = !refs.isEmpty() ? "BINDING" : kind(group, Set.of());
        return new GroupDetail(group, kind, name(d.groupState()), d.type() == null ? "CLASSIC" : d.type().name(),
                d.coordinator() == null ? null : d.coordinator().host() + ":" + d.coordinator().port() + " (broker " + d.coordinator().id() + ")",
                d.partitionAssignor() == null || d.partitionAssignor().isEmpty() ? null : d.partitionAssignor(),
                members, topics, partitions, total(topics), refs, noteCommits(group, offsets), Instant.now());
    }

    // ---- reset and delete -------------------------------------------------------------------

    /**
     * Moves {@code group}'s committed offsets on one topic. 404 for an unknown group, 422 naming the
     * field for a bad target, time, offset or partition, 409 while the group has members.
     */
    public OffsetResetResult reset(Caller caller, String group, OffsetResetRequest r) {
        caller.requireAdmin();
        if (r == null) {
            throw new ValidationException("to", "is required: EARLIEST, LATEST, TIME or OFFSET");
        }
        Violations v = new Violations();
        if (r.topic() == null || r.topic().isBlank()) {
            v.add("topic", "is required");
        }
        String to = r.to() == null ? "" : r.to().strip().toUpperCase(Locale.ROOT);
        if (!TARGETS.contains(to)) {
            v.add("to", "must be one of EARLIEST, LATEST, TIME, OFFSET");
        }
        Instant time = TimeInput.INSTANT.read("time", r.time(), v::add);
        if (to.equals("TIME") && time == null && !v.has("time")) {
            v.add("time", "is required when 'to' is TIME: an ISO-8601 time with offset, e.g. 2026-11-22T10:15:00Z, or epoch milliseconds");
        }
        if (to.equals("OFFSET") && r.offset() == null) {
            v.add("offset", "is required when 'to' is OFFSET");
        }
        if (r.offset() != null && r.offset() < 0) {
            v.add("offset", "must be 0 or more");
        }
        if (r.partition() != null && r.partition() < 0) {
            v.add("partition", "must be 0 or more");
        }
        v.throwIfAny();
        String topic = r.topic().strip();
        Admin a = cluster.admin();
        requireNoMembers(a, group, "reset its offsets");

        TopicDescription td;
        try {
            td = await(a.describeTopics(List.of(topic)).topicNameValues().get(topic), "describe topic " + topic);
        } catch (KafkaUnavailableException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new ValidationException("topic", "'" + topic + "' is not a topic in Kafka");
            }
            throw e;
        }
        List<TopicPartition> tps = new ArrayList<>();
        td.partitions().forEach(p -> {
            if (r.partition() == null || r.partition() == p.partition()) {
                tps.add(new TopicPartition(topic, p.partition()));
            }
        });
        if (tps.isEmpty()) {
            throw new ValidationException("partition", "topic '" + topic + "' has no partition " + r.partition()
                    + " (it has " + td.partitions().size() + ")");
        }
        Map<TopicPartition, Long> start = offsets(a, tps, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(a, tps, OffsetSpec.latest());
        if (!start.keySet().containsAll(tps) || !end.keySet().containsAll(tps)) {
            throw new KafkaUnavailableException("Kafka did not report the offsets of every partition of '" + topic + "'; nothing was changed",
                    null);
        }
        Map<TopicPartition, Long> target = new TreeMap<>(Comparator.comparing(TopicPartition::partition));
        switch (to) {
            case "EARLIEST" -> tps.forEach(tp -> target.put(tp, start.get(tp)));
            case "LATEST" -> tps.forEach(tp -> target.put(tp, end.get(tp)));
            case "TIME" -> {
                Map<TopicPartition, Long> at = offsets(a, tps, OffsetSpec.forTimestamp(time.toEpochMilli()));
                // no record at or after the time: the group starts after the last record
                tps.forEach(tp -> target.put(tp, at.get(tp) == null || at.get(tp) < 0 ? end.get(tp) : at.get(tp)));
            }
            default -> {
                for (TopicPartition tp : tps) {
                    if (r.offset() < start.get(tp) || r.offset() > end.get(tp)) {
                        throw new ValidationException("offset", "must be between " + start.get(tp) + " and " + end.get(tp)
                                + " on partition " + tp.partition() + " of '" + topic + "'"
                                + (r.partition() == null ? " (give 'partition' to reset one partition only)" : ""));
                    }
                    target.put(tp, r.offset());
                }
            }
        }
        Map<TopicPartition, OffsetAndMetadata> before = committed(a, List.of(group)).getOrDefault(group, Map.of());
        Map<TopicPartition, OffsetAndMetadata> alter = new HashMap<>();
        target.forEach((tp, o) -> alter.put(tp, new OffsetAndMetadata(o)));
        try {
            await(a.alterConsumerGroupOffsets(group, alter).all(), "reset offsets of group " + group);
        } catch (KafkaUnavailableException e) {
            if (e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof RebalanceInProgressException
                    || e.getCause() instanceof GroupNotEmptyException) {
                throw hasMembers(group, -1, "reset its offsets");
            }
            throw e;
        }
        List<PartitionReset> result = new ArrayList<>();
        Map<String, Long> auditBefore = new LinkedHashMap<>();
        Map<String, Long> auditAfter = new LinkedHashMap<>();
        target.forEach((tp, o) -> {
            OffsetAndMetadata b = before.get(tp);
            result.add(new PartitionReset(tp.partition(), b == null ? null : b.offset(), o));
            auditBefore.put(tp.toString(), b == null ? null : b.offset());
            auditAfter.put(tp.toString(), o);
        });
        auditor.record(caller, "reset-offsets", "consumer-group", group,
                Map.of("topic", topic, "offsets", auditBefore),
                Map.of("topic", topic, "to", to, "time", time == null ? "" : time.toString(), "offsets", auditAfter));
        return new OffsetResetResult(group, topic, to, result);
    }

    /** Deletes a group without members and its committed offsets; 404 unknown, 409 while it has members. */
    public void delete(Caller caller, String group) {
        caller.requireAdmin();
        Admin a = cluster.admin();
        requireNoMembers(a, group, "be deleted");
        Map<TopicPartition, OffsetAndMetadata> before = committed(a, List.of(group)).getOrDefault(group, Map.of());
        try {
            await(a.deleteConsumerGroups(List.of(group)).all(), "delete group " + group);
        } catch (KafkaUnavailableException e) {
            if (e.getCause() instanceof GroupNotEmptyException) {
                throw hasMembers(group, -1, "be deleted");
            }
            if (e.getCause() instanceof GroupIdNotFoundException) {
                throw new NotFoundException("Consumer group", group, "group");
            }
            throw e;
        }
        seen.remove(group);
        Map<String, Long> offsets = new TreeMap<>();
        before.forEach((tp, o) -> offsets.put(tp.toString(), o == null ? null : o.offset()));
        auditor.record(caller, "delete", "consumer-group", group, Map.of("offsets", offsets), null);
    }

    /** A name no Kafka group can have (blank, over 255 characters, control characters) is not asked of Kafka. */
    private static void requireSane(String group) {
        if (group == null || group.isBlank() || group.length() > 255 || group.chars().anyMatch(Character::isISOControl)) {
            throw new NotFoundException("Consumer group", group == null ? "" : group.length() > 255 ? group.substring(0, 255) + "…" : group,
                    "group");
        }
    }

    private void requireNoMembers(Admin a, String group, String what) {
        requireSane(group);
        ConsumerGroupDescription d = describe(a.describeConsumerGroups(List.of(group)).describedGroups().get(group), group);
        if (d == null || d.groupState() == GroupState.DEAD) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committed(a, List.of(group)).getOrDefault(group, Map.of());
            if (d == null || offsets.isEmpty()) {
                throw new NotFoundException("Consumer group", group, "group");
            }
        }
        if (!d.members().isEmpty()) {
            throw hasMembers(group, d.members().size(), what);
        }
    }

    private static ConflictException hasMembers(String group, int members, String what) {
        return new ConflictException("Consumer group '" + group + "' has " + (members < 0 ? "active members" : members
                + " active member" + (members == 1 ? "" : "s")) + ": Kafka lets a group " + what
                + " only while none of its consumers runs. Stop its consumers first, or use Replay to re-deliver messages"
                + " to the running group without touching its offsets.", "group");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Set<String> boundGroups() {
        Set<String> out = new HashSet<>();
        for (BindingView b : bindings.list(Caller.SYSTEM, null, null, null)) {
            out.add(b.group());
        }
        return out;
    }

    private static String kind(String group, Set<String> bound) {
        if (bound.contains(group)) {
            return "BINDING";
        }
        return group.startsWith("herald.") || group.startsWith("herald-") ? "HERALD" : "FOREIGN";
    }

    private static String state(GroupListing g) {
        return g.groupState().map(ConsumerGroups::name).orElse("UNKNOWN");
    }

    /** STABLE, EMPTY, PREPARING_REBALANCE… (the enum's name: its toString is Kafka's wire name, "Stable"). */
    private static String name(GroupState s) {
        return s == null ? "UNKNOWN" : s.name();
    }

    private static boolean empty(GroupListing g) {
        return g.groupState().map(st -> st == GroupState.EMPTY || st == GroupState.DEAD).orElse(false);
    }

    private static List<TopicLag> topicLags(Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> end) {
        Map<String, long[]> byTopic = new TreeMap<>();
        Set<String> unknown = new HashSet<>();
        offsets.forEach((tp, o) -> {
            if (o == null) {
                return;
            }
            long[] sum = byTopic.computeIfAbsent(tp.topic(), t -> new long[2]);
            sum[0]++;
            Long e = end.get(tp);
            if (e == null) {
                unknown.add(tp.topic());
            } else {
                sum[1] += Math.max(0, e - o.offset());
            }
        });
        List<TopicLag> out = new ArrayList<>();
        byTopic.forEach((t, sum) -> out.add(new TopicLag(t, (int) sum[0], unknown.contains(t) ? null : sum[1])));
        return out;
    }

    private static Long total(List<TopicLag> topics) {
        if (topics.isEmpty()) {
            return null;
        }
        return topics.stream().map(TopicLag::lag).filter(l -> l != null).mapToLong(Long::longValue).sum();
    }

    /** Notes when a group's committed offsets are first seen to change; the last such time. */
    private Instant noteCommits(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
        long sum = 0;
        for (OffsetAndMetadata o : offsets.values()) {
            if (o != null) {
                sum += o.offset() + 1;
            }
        }
        long s = sum;
        Seen before = seen.get(group);
        if (before == null) {
            if (seen.size() < MAX_TRACKED) {
                seen.put(group, new Seen(s, null));
            }
            return null;
        }
        if (before.sum() != s) {
            Seen now = new Seen(s, Instant.now());
            seen.put(group, now);
            return now.changedAt();
        }
        return before.changedAt();
    }

    /** Committed offsets of the groups, in one request per coordinator. */
    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committed(Admin a, Collection<String> groups) {
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult result = a.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cluster.timeoutMs());
        for (String g : groups) {
            try {
                Map<TopicPartition, OffsetAndMetadata> m = result.partitionsToOffsetAndMetadata(g)
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                Map<TopicPartition, OffsetAndMetadata> nonNull = new HashMap<>();
                if (m != null) {
                    m.forEach((tp, o) -> {
                        if (o != null) {
                            nonNull.put(tp, o);
                        }
                    });
                }
                out.put(g, nonNull);
            } catch (ExecutionException e) {
                out.put(g, Map.of()); // e.g. the group is gone since it was listed
            } catch (TimeoutException e) {
                throw new KafkaUnavailableException("Kafka did not answer in time: list offsets of group " + g, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
            }
        }
        return out;
    }

    /** End offsets, from the cache when they are younger than {@link #END_CACHE}, else in one request. */
    private Map<TopicPartition, Long> endOffsets(Admin a, Collection<TopicPartition> tps) {
        Map<TopicPartition, Long> out = new HashMap<>();
        List<TopicPartition> missing = new ArrayList<>();
        long now = System.nanoTime();
        for (TopicPartition tp : new HashSet<>(tps)) {
            Cached c = ends.get(tp);
            if (c != null && now - c.atNanos() < END_CACHE.toNanos()) {
                out.put(tp, c.offset());
            } else {
                missing.add(tp);
            }
        }
        if (!missing.isEmpty()) {
            Map<TopicPartition, Long> fresh = offsets(a, missing, OffsetSpec.latest());
            long at = System.nanoTime();
            if (ends.size() > MAX_TRACKED) {
                ends.clear();
            }
            fresh.forEach((tp, o) -> ends.put(tp, new Cached(o, at)));
            out.putAll(fresh);
        }
        return out;
    }

    /** Offsets by spec; a partition Kafka does not know (a deleted topic) is left out. */
    private Map<TopicPartition, Long> offsets(Admin a, Collection<TopicPartition> tps, OffsetSpec spec) {
        if (tps.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        tps.forEach(tp -> specs.put(tp, spec));
        ListOffsetsResult result = a.listOffsets(specs);
        Map<TopicPartition, Long> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cluster.timeoutMs());
        for (TopicPartition tp : tps) {
            try {
                out.put(tp, result.partitionResult(tp).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).offset());
            } catch (ExecutionException e) {
                // unknown partition: no lag shown for it
            } catch (TimeoutException e) {
                throw new KafkaUnavailableException("Kafka did not answer in time: list offsets", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
            }
        }
        return out;
    }

    private ConsumerGroupDescription describe(KafkaFuture<ConsumerGroupDescription> f, String group) {
        try {
            return f.get(cluster.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw new KafkaUnavailableException("Kafka failed to describe group " + group + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer in time: describe group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
        }
    }

    /** A described group of the list, or null when Kafka could not describe it (shown with its listed state). */
    private ConsumerGroupDescription get(KafkaFuture<ConsumerGroupDescription> f) {
        try {
            return f.get(cluster.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits for Kafka; an error answer is a {@link KafkaUnavailableException} whose cause is Kafka's exception. */
    <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(cluster.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("Kafka failed to " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer in time: " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
        }
    }
}
