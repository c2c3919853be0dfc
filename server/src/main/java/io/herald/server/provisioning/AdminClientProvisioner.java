package io.herald.server.provisioning;

import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.ValidationException;
import jakarta.annotation.PreDestroy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.stereotype.Component;

/** {@link KafkaProvisioner} on Kafka's {@link Admin} client. */
@Component
class AdminClientProvisioner implements KafkaProvisioner {

    private final Admin admin;
    private final long timeoutMs;

    AdminClientProvisioner(KafkaClientConfig clients) {
        this.timeoutMs = clients.properties().operationTimeout().toMillis();
        Map<String, Object> config = clients.base();
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "herald-server-admin");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeoutMs / 2));
        // A short reconnect back-off lets a restarted broker be seen again quickly.
        config.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
        this.admin = Admin.create(config);
    }

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }

    @Override
    public int brokerCount() {
        Collection<Node> nodes = await(admin.describeCluster().nodes(), "describe the cluster");
        return nodes.size();
    }

    @Override
    public int brokerCount(int timeout) {
        var options = new org.apache.kafka.clients.admin.DescribeClusterOptions().timeoutMs(timeout);
        try {
            return admin.describeCluster(options).nodes().get(timeout + 500L, TimeUnit.MILLISECONDS).size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        }
    }

    @Override
    public boolean createTopic(String name, int partitions, short replicationFactor, long retentionMs,
                               Map<String, String> configs) {
        Map<String, String> all = new java.util.TreeMap<>(configs);
        all.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(all);
        try {
            await(admin.createTopics(List.of(topic)).all(), "create topic " + name);
            awaitLeaders(name, partitions);
            return true;
        } catch (KafkaRefused e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidConfigurationException) {
                throw configRefused(e, all.keySet());
            }
            throw refused(e, "name");
        }
    }

    /**
     * Waits until every partition of a just-created topic has a leader in the brokers' metadata, so
     * that the first event sent to it right after the create answer does not time out waiting for
     * metadata (a loaded machine took longer than a producer's max.block.ms). Bounded by the
     * operation timeout; a topic still without leaders then is reported as created all the same
     * (its first send waits for the metadata itself).
     */
    private void awaitLeaders(String name, int partitions) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long pauseMs = 10;
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).topicNameValues().get(name)
                        .get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
                if (d.partitions().size() >= partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // not visible yet (UnknownTopicOrPartition) or slow: look again until the deadline
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
            pauseMs = Math.min(200, pauseMs * 2);
        }
    }

    @Override
    public Optional<KafkaTopicState> describe(String name) {
        TopicDescription description;
        try {
            description = await(admin.describeTopics(List.of(name)).topicNameValues().get(name), "describe topic " + name);
        } catch (KafkaRefused e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw refused(e, "name");
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Long retention = null;
        try {
            Config config = await(admin.describeConfigs(List.of(resource)).values().get(resource), "describe configs of " + name);
            ConfigEntry entry = config.get(TopicConfig.RETENTION_MS_CONFIG);
            retention = entry == null || entry.value() == null ? null : Long.parseLong(entry.value());
        } catch (KafkaRefused e) {
            // The topic was deleted between the two calls: report what we have.
        }
        List<KafkaTopicState.PartitionState> parts = description.partitions().stream()
                .map(AdminClientProvisioner::partition).toList();
        int rf = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
        return Optional.of(new KafkaTopicState(name, parts, rf, retention));
    }

    private static KafkaTopicState.PartitionState partition(TopicPartitionInfo p) {
        return new KafkaTopicState.PartitionState(p.partition(), p.leader() == null ? -1 : p.leader().id(),
                p.replicas().stream().map(Node::id).toList(), p.isr().stream().map(Node::id).toList());
    }

    @Override
    public void increasePartitions(String name, int partitions) {
        try {
            await(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all(), "add partitions to " + name);
        } catch (KafkaRefused e) {
            if (e.getCause() instanceof InvalidPartitionsException ipe && ipe.getMessage() != null
                    && ipe.getMessage().contains("already has")) {
                return;
            }
            throw refused(e, "partitions");
        }
    }

    @Override
    public void setRetention(String name, long retentionMs) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        AlterConfigOp op = new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs)),
                AlterConfigOp.OpType.SET);
        try {
            await(admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all(), "set retention of " + name);
        } catch (KafkaRefused e) {
            throw refused(e, "retentionMs");
        }
    }

    @Override
    public Optional<List<KafkaConfigEntry>> configs(String name) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config;
        try {
            config = await(admin.describeConfigs(List.of(resource)).values().get(resource), "describe configs of " + name);
        } catch (KafkaRefused e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw refused(e, "name");
        }
        return Optional.of(config.entries().stream()
                .map(c -> new KafkaConfigEntry(c.name(), c.isSensitive() ? null : c.value(), c.source().name(),
                        c.isDefault(), c.isReadOnly(), c.isSensitive()))
                .sorted(java.util.Comparator.comparing(KafkaConfigEntry::name))
                .toList());
    }

    @Override
    public void alterConfigs(String name, Map<String, String> set, Set<String> reset, boolean validateOnly) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        List<AlterConfigOp> ops = new java.util.ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        reset.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        if (ops.isEmpty()) {
            return;
        }
        var options = new org.apache.kafka.clients.admin.AlterConfigsOptions().validateOnly(validateOnly);
        try {
            await(admin.incrementalAlterConfigs(Map.of(resource, ops), options).all(),
                    (validateOnly ? "check" : "change") + " configs of " + name);
        } catch (KafkaRefused e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new ValidationException("name", "Kafka refused: topic '" + name + "' is missing in Kafka ("
                        + e.getCause().getMessage() + ")");
            }
            java.util.Set<String> names = new java.util.TreeSet<>(set.keySet());
            names.addAll(reset);
            throw configRefused(e, names);
        }
    }

    /**
     * Kafka refused a config change: the answer names the config at fault in its message
     * ("Invalid value x for configuration min.insync.replicas: …"); the field is that config, else the
     * first one of the request.
     */
    static ValidationException configRefused(Throwable refusal, Collection<String> names) {
        Throwable cause = refusal instanceof KafkaRefused ? refusal.getCause() : refusal;
        if (!(cause instanceof org.apache.kafka.common.errors.ApiException)) {
            throw new KafkaUnavailableException("Kafka failed: " + cause, cause);
        }
        return new ValidationException(configAtFault(cause.getMessage(), names), "Kafka refused: " + cause.getMessage());
    }

    /** The config of {@code names} that Kafka's message names (the longest match), else the first of them. */
    static String configAtFault(String message, Collection<String> names) {
        String found = null;
        if (message != null) {
            for (String n : names) {
                if (message.contains(n) && (found == null || n.length() > found.length())) {
                    found = n;
                }
            }
        }
        return found != null ? found : names.isEmpty() ? "settings" : names.iterator().next();
    }

    @Override
    public void deleteTopic(String name) {
        try {
            await(admin.deleteTopics(List.of(name)).all(), "delete topic " + name);
        } catch (KafkaRefused e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw refused(e, "name");
            }
        }
    }

    @Override
    public void ensureTopic(String name, int partitions, long retentionMs) {
        short rf = (short) Math.min(3, brokerCount());
        createTopic(name, partitions, rf, retentionMs);
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while waiting for Kafka to " + what, e);
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer within " + timeoutMs + " ms to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.DisconnectException) {
                throw new KafkaUnavailableException("Kafka did not answer within " + timeoutMs + " ms to " + what, cause);
            }
            throw new KafkaRefused(cause);
        }
    }

    private static ValidationException refused(KafkaRefused e, String field) {
        Throwable cause = e.getCause();
        if (cause instanceof InvalidReplicationFactorException) {
            field = "replicationFactor";
        } else if (cause instanceof InvalidPartitionsException) {
            field = "partitions";
        } else if (cause instanceof InvalidTopicException) {
            field = "name";
        } else if (!(cause instanceof PolicyViolationException) && !(cause instanceof org.apache.kafka.common.errors.ApiException)) {
            throw new KafkaUnavailableException("Kafka failed: " + cause, cause);
        }
        return new ValidationException(field, "Kafka refused: " + cause.getMessage());
    }

    /** Kafka answered with an error (as opposed to not answering). */
    private static final class KafkaRefused extends RuntimeException {
        KafkaRefused(Throwable cause) {
            super(cause);
        }
    }

}
