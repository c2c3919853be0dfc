package io.herald.server.cluster;

import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.springframework.stereotype.Service;

/**
 * The Kafka cluster as an operator sees it: brokers with their rack and log directories, the active
 * controller, the metadata version (what Kafka release's features are on), partitions without a
 * full ISR or without a leader, and each broker's configuration, read only, with sensitive values
 * masked.
 */
@Service
public class ClusterInfo {

    /** At most this many problem partitions are listed (all are counted). */
    public static final int MAX_ISSUES = 500;
    static final String MASK = "******";
    /** Names whose values are hidden even when Kafka does not flag them sensitive. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|jaas|credential|token|\\.key$).*");

    private final ClusterAdmin cluster;

    ClusterInfo(ClusterAdmin cluster) {
        this.cluster = cluster;
    }

    public record LogDir(String path, long size, Long totalBytes, Long usableBytes, int replicas, String error) {
    }

    public record Broker(int id, String host, int port, String rack, boolean controller, List<LogDir> logDirs, Long size) {
    }

    public record PartitionIssue(String topic, int partition, Integer leader, List<Integer> replicas, List<Integer> isr,
                                 boolean offline) {
    }

    /**
     * @param controllerId    the active controller: the KRaft quorum leader, or the controller broker of
     *                        a ZooKeeper cluster; null when unknown
     * @param metadataVersion the finalized {@code metadata.version}, e.g. {@code 4.2-IV1}
     * @param kafkaVersion    the Kafka release that metadata version belongs to, e.g. {@code 4.2}
     */
    public record Cluster(String clusterId, Integer controllerId, List<Integer> quorumVoters, List<Broker> brokers,
                          String metadataVersion, String supportedMetadataVersion, String kafkaVersion, int topics,
                          int partitions, int underReplicated, int offline, List<PartitionIssue> issues, Instant at) {
    }

    /** @param source where the value comes from: DEFAULT_CONFIG, STATIC_BROKER_CONFIG, DYNAMIC_BROKER_CONFIG… */
    public record ConfigValue(String name, String value, String source, boolean isDefault, boolean sensitive, boolean readOnly) {
    }

    public record BrokerConfigs(Broker broker, List<ConfigValue> configs, Instant at) {
    }

    public Cluster describe() {
        Admin a = cluster.admin();
        DescribeClusterResult dc = a.describeCluster();
        KafkaFuture<QuorumInfo> quorum = a.describeMetadataQuorum().quorumInfo();
        KafkaFuture<FeatureMetadata> features = a.describeFeatures().featureMetadata();
        KafkaFuture<Set<String>> names = a.listTopics(new ListTopicsOptions().listInternal(true)).names();
        Collection<Node> nodes = await(dc.nodes(), "describe the cluster");
        String clusterId = await(dc.clusterId(), "describe the cluster");
        KafkaFuture<Map<Integer, Map<String, LogDirDescription>>> dirs = a.describeLogDirs(nodes.stream().map(Node::id).toList())
                .allDescriptions();

        Integer controller = null;
        List<Integer> voters = List.of();
        QuorumInfo q = optional(quorum);
        if (q != null) {
            controller = q.leaderId();
            voters = q.voters().stream().map(QuorumInfo.ReplicaState::replicaId).sorted().toList();
        } else {
            Node c = optional(dc.controller());
            controller = c == null || c.isEmpty() ? null : c.id();
        }

        String finalized = null;
        String supported = null;
        FeatureMetadata fm = optional(features);
        if (fm != null) {
            FinalizedVersionRange f = fm.finalizedFeatures().get("metadata.version");
            SupportedVersionRange s = fm.supportedFeatures().get("metadata.version");
            finalized = f == null ? null : MetadataVersions.name(f.maxVersionLevel());
            supported = s == null ? null : MetadataVersions.name(s.maxVersion());
        }

        Map<Integer, Map<String, LogDirDescription>> logDirs = optional(dirs);
        Integer controllerId = controller;
        List<Broker> brokers = nodes.stream().sorted(Comparator.comparing(Node::id))
                .map(n -> broker(n, controllerId, logDirs)).toList();

        Set<String> topicNames = await(names, "list topics");
        Map<String, TopicDescription> described = topicNames.isEmpty() ? Map.of()
                : await(a.describeTopics(topicNames).allTopicNames(), "describe topics");
        int partitions = 0;
        int under = 0;
        int offline = 0;
        List<PartitionIssue> issues = new ArrayList<>();
        for (TopicDescription t : described.values().stream().sorted(Comparator.comparing(TopicDescription::name)).toList()) {
            for (TopicPartitionInfo p : t.partitions()) {
                partitions++;
                boolean noLeader = p.leader() == null || p.leader().isEmpty();
                boolean short_ = p.isr().size() < p.replicas().size();
                if (noLeader) {
                    offline++;
                }
                if (short_) {
                    under++;
                }
                if ((noLeader || short_) && issues.size() < MAX_ISSUES) {
                    issues.add(new PartitionIssue(t.name(), p.partition(), noLeader ? null : p.leader().id(),
                            p.replicas().stream().map(Node::id).toList(), p.isr().stream().map(Node::id).toList(), noLeader));
                }
            }
        }
        return new Cluster(clusterId, controller, voters, brokers, finalized, supported, MetadataVersions.release(finalized),
                described.size(), partitions, under, offline, issues, Instant.now());
    }

    /** One broker with its configuration; 404 for a broker id the cluster does not have. */
    public BrokerConfigs broker(int id) {
        Admin a = cluster.admin();
        DescribeClusterResult dc = a.describeCluster();
        Collection<Node> nodes = await(dc.nodes(), "describe the cluster");
        Node node = nodes.stream().filter(n -> n.id() == id).findFirst()
                .orElseThrow(() -> new NotFoundException("Broker", String.valueOf(id), "id"));
        KafkaFuture<Map<Integer, Map<String, LogDirDescription>>> dirs = a.describeLogDirs(List.of(id)).allDescriptions();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(id));
        Config config = await(a.describeConfigs(List.of(resource)).values().get(resource), "describe the configs of broker " + id);
        QuorumInfo q = optional(a.describeMetadataQuorum().quorumInfo());
        Integer controller = q != null ? Integer.valueOf(q.leaderId()) : null;
        List<ConfigValue> values = config.entries().stream().sorted(Comparator.comparing(ConfigEntry::name))
                .map(ClusterInfo::value).toList();
        return new BrokerConfigs(broker(node, controller, optional(dirs)), values, Instant.now());
    }

    /** A config entry as shown: a sensitive value (Kafka's flag, or a name that looks like a secret) is masked. */
    static ConfigValue value(ConfigEntry e) {
        boolean sensitive = e.isSensitive() || SECRET_NAME.matcher(e.name()).matches();
        String shown = e.value() == null ? null : sensitive ? MASK : e.value();
        if (sensitive && e.value() == null && e.isSensitive()) {
            shown = MASK;
        }
        return new ConfigValue(e.name(), shown, String.valueOf(e.source()),
                e.isDefault() || e.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG, sensitive, e.isReadOnly());
    }

    private static Broker broker(Node n, Integer controller, Map<Integer, Map<String, LogDirDescription>> logDirs) {
        List<LogDir> dirs = new ArrayList<>();
        Long size = null;
        if (logDirs != null && logDirs.get(n.id()) != null) {
            long total = 0;
            for (Map.Entry<String, LogDirDescription> d : logDirs.get(n.id()).entrySet()) {
                LogDirDescription ld = d.getValue();
                long s = ld.replicaInfos().values().stream().mapToLong(ReplicaInfo::size).sum();
                total += s;
                dirs.add(new LogDir(d.getKey(), s, ld.totalBytes().isPresent() ? ld.totalBytes().getAsLong() : null,
                        ld.usableBytes().isPresent() ? ld.usableBytes().getAsLong() : null, ld.replicaInfos().size(),
                        ld.error() == null ? null : ld.error().getMessage()));
            }
            dirs.sort(Comparator.comparing(LogDir::path));
            size = total;
        }
        return new Broker(n.id(), n.host(), n.port(), n.rack(), controller != null && controller == n.id(), dirs, size);
    }

    private <T> T optional(KafkaFuture<T> f) {
        try {
            return f.get(cluster.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null; // e.g. a ZooKeeper cluster has no metadata quorum: the page shows what it has
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
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

    /** Kafka's {@code metadata.version} feature levels and the releases they belong to (Kafka's MetadataVersion). */
    static final class MetadataVersions {

        private static final String[] NAMES = {null, "3.0-IV1", "3.1-IV0", "3.2-IV0", "3.3-IV0", "3.3-IV1", "3.3-IV2",
            "3.3-IV3", "3.4-IV0", "3.5-IV0", "3.5-IV1", "3.5-IV2", "3.6-IV0", "3.6-IV1", "3.6-IV2", "3.7-IV0", "3.7-IV1",
            "3.7-IV2", "3.7-IV3", "3.7-IV4", "3.8-IV0", "3.9-IV0", "4.0-IV0", "4.0-IV1", "4.0-IV2", "4.0-IV3", "4.1-IV0",
            "4.1-IV1", "4.2-IV0", "4.2-IV1", "4.3-IV0"};

        private MetadataVersions() {
        }

        static String name(short level) {
            return level > 0 && level < NAMES.length ? NAMES[level] : "level " + level;
        }

        /** {@code 4.2-IV1} → {@code 4.2}; "4.3 or later" for a level newer than this server knows. */
        static String release(String name) {
            if (name == null) {
                return null;
            }
            if (name.startsWith("level ")) {
                return "newer than " + NAMES[NAMES.length - 1].substring(0, 3);
            }
            return name.substring(0, name.indexOf('-')).toLowerCase(Locale.ROOT);
        }
    }
}
