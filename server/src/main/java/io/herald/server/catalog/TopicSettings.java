package io.herald.server.catalog;

import io.herald.server.audit.Auditor;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.provisioning.KafkaConfigEntry;
import io.herald.server.provisioning.KafkaProvisioner;
import io.herald.server.security.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A topic's Kafka configs: all of them as Kafka reports them, and the common ones edited through Herald
 * and kept in the catalog, so that a change made outside Herald (kafka-configs, another UI) shows as drift.
 *
 * <p>A change is never half-applied: Kafka checks the whole change first ({@code validateOnly}), then
 * applies it in one incrementalAlterConfigs request, then the catalog stores it; when the catalog
 * transaction rolls back after Kafka applied it, the previous values are put back in Kafka.
 */
@Service
@Transactional
public class TopicSettings {

    private static final Logger log = LoggerFactory.getLogger(TopicSettings.class);

    public static final String CLEANUP_POLICY = TopicConfig.CLEANUP_POLICY_CONFIG;
    public static final String MIN_INSYNC_REPLICAS = TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG;
    public static final String MAX_MESSAGE_BYTES = TopicConfig.MAX_MESSAGE_BYTES_CONFIG;
    public static final String COMPRESSION_TYPE = TopicConfig.COMPRESSION_TYPE_CONFIG;
    public static final String RETENTION_MS = TopicConfig.RETENTION_MS_CONFIG;
    public static final String RETENTION_BYTES = TopicConfig.RETENTION_BYTES_CONFIG;

    /** The settings Herald edits, in the order pages and answers list them. */
    public static final List<String> EDITABLE = List.of(CLEANUP_POLICY, RETENTION_MS, RETENTION_BYTES, MIN_INSYNC_REPLICAS,
            MAX_MESSAGE_BYTES, COMPRESSION_TYPE);
    public static final List<String> CLEANUP_POLICIES = List.of("delete", "compact");
    public static final List<String> COMPRESSION_TYPES = List.of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd");
    static final long MIN_MESSAGE_BYTES = 1024;
    static final long MAX_MESSAGE_BYTES_LIMIT = 1024L * 1024 * 1024;
    static final long MIN_RETENTION_BYTES = 1024L * 1024;
    /** How long to wait for the brokers' describeConfigs to show an applied change (metadata propagates asynchronously). */
    private static final long SETTLE_MS = 3000;

    private final TopicRepository topics;
    private final KafkaProvisioner kafka;
    private final ConfigVersions versions;
    private final Auditor auditor;

    TopicSettings(TopicRepository topics, KafkaProvisioner kafka, ConfigVersions versions, Auditor auditor) {
        this.topics = topics;
        this.kafka = kafka;
        this.versions = versions;
        this.auditor = auditor;
    }

    /** The topic's configs with the catalog's values and drift (for the console: every signed-in user may read them). */
    @Transactional(readOnly = true)
    public TopicSettingsView settings(String name) {
        TopicEntity topic = find(name);
        return view(topic, describe(name));
    }

    /** {@link #settings(String)} for an API caller: 403 naming the topic when it may not read it. */
    @Transactional(readOnly = true)
    public TopicSettingsView settings(Caller caller, String name) {
        TopicEntity topic = find(name);
        TopicService.requireReadable(caller, topic);
        return view(topic, describe(name));
    }

    /**
     * Changes settings of the topic: a value sets it on the topic, a null value returns it to the broker's
     * default. Only the names of {@link #EDITABLE} are accepted; each value is checked (422 naming the
     * setting), then Kafka checks and applies the change, then the catalog keeps it. Audited as
     * {@code update-settings}.
     */
    public TopicSettingsView update(Caller caller, String name, Map<String, String> changes) {
        TopicEntity topic = find(name);
        caller.requireApp(topic.app.name);
        if (changes == null || changes.isEmpty()) {
            throw new ValidationException("settings", "name at least one setting to change: " + String.join(", ", EDITABLE));
        }
        Violations v = new Violations();
        Map<String, String> set = new TreeMap<>();
        Set<String> reset = new TreeSet<>();
        for (Map.Entry<String, String> c : changes.entrySet()) {
            if (!EDITABLE.contains(c.getKey())) {
                v.add(c.getKey(), "cannot be changed through Herald; the settings Herald edits are " + String.join(", ", EDITABLE));
            } else if (c.getValue() == null) {
                reset.add(c.getKey());
            } else {
                String value = normalize(v, c.getKey(), c.getKey(), c.getValue(), topic.replicationFactor);
                if (value != null) {
                    set.put(c.getKey(), value);
                }
            }
        }
        v.throwIfAny();
        Map<String, String> before = catalogValues(topic);
        Optional<List<KafkaConfigEntry>> previous = kafka.configs(name);

        // Kafka checks the whole change before anything changes, then applies it in one request.
        kafka.alterConfigs(name, set, reset, true);
        kafka.alterConfigs(name, set, reset, false);
        previous.ifPresent(p -> restoreOnRollback(name, p, set.keySet(), reset));

        List<KafkaConfigEntry> now = settled(name, set, reset);
        for (Map.Entry<String, String> s : set.entrySet()) {
            if (s.getKey().equals(RETENTION_MS)) {
                topic.retentionMs = Long.parseLong(s.getValue());
            } else {
                topic.settings.put(s.getKey(), s.getValue());
            }
        }
        for (String r : reset) {
            if (r.equals(RETENTION_MS)) {
                // the catalog always holds a retention: the broker's default Kafka now applies
                topic.retentionMs = entry(now, RETENTION_MS).map(KafkaConfigEntry::value).map(Long::parseLong)
                        .orElse(TopicService.DEFAULT_RETENTION_MS);
            } else {
                topic.settings.remove(r);
            }
        }
        topic.updatedAt = Instant.now();
        topics.saveAndFlush(topic);
        versions.catalogChanged(); // settings are in no app's snapshot; caches of the catalog re-read
        auditor.record(caller, "update-settings", "topic", name, before, catalogValues(topic));
        return view(topic, now != null ? Optional.of(now) : describe(name));
    }

    /**
     * Checks the settings of a create request and returns them normalized (without {@code retention.ms},
     * which the topic's own retention carries); violations name {@code settings.<name>}.
     */
    static Map<String, String> validateForCreate(Violations v, Map<String, String> requested, int replicationFactor) {
        Map<String, String> out = new TreeMap<>();
        if (requested == null) {
            return out;
        }
        for (Map.Entry<String, String> c : requested.entrySet()) {
            String field = "settings." + c.getKey();
            if (!EDITABLE.contains(c.getKey())) {
                v.add(field, "cannot be set through Herald; the settings Herald edits are " + String.join(", ", EDITABLE));
            } else if (c.getKey().equals(RETENTION_MS)) {
                v.add(field, "give the topic's retention in \"retentionMs\"");
            } else if (c.getValue() != null) {
                String value = normalize(v, field, c.getKey(), c.getValue(), replicationFactor);
                if (value != null) {
                    out.put(c.getKey(), value);
                }
            }
        }
        return out;
    }

    /** The value as Herald stores it and sends to Kafka, or null after adding a violation naming the setting. */
    static String normalize(Violations v, String field, String name, String raw, int replicationFactor) {
        String value = raw.strip();
        switch (name) {
            case CLEANUP_POLICY -> {
                LinkedHashSet<String> parts = new LinkedHashSet<>();
                for (String p : value.toLowerCase(Locale.ROOT).split(",")) {
                    if (!p.isBlank()) {
                        parts.add(p.strip());
                    }
                }
                if (parts.isEmpty() || !CLEANUP_POLICIES.containsAll(parts)) {
                    v.add(field, "must be delete (drop old segments), compact (keep the latest record per key) or"
                            + " compact,delete (both)");
                    return null;
                }
                return String.join(",", parts);
            }
            case COMPRESSION_TYPE -> {
                String c = value.toLowerCase(Locale.ROOT);
                if (!COMPRESSION_TYPES.contains(c)) {
                    v.add(field, "must be one of " + String.join(", ", COMPRESSION_TYPES)
                            + " (producer keeps what the producer compressed)");
                    return null;
                }
                return c;
            }
            case MIN_INSYNC_REPLICAS -> {
                return range(v, field, value, 1, replicationFactor, "must be between 1 and the topic's replication factor ("
                        + replicationFactor + ")");
            }
            case MAX_MESSAGE_BYTES -> {
                return range(v, field, value, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES_LIMIT,
                        "must be between " + MIN_MESSAGE_BYTES + " (1 KiB) and " + MAX_MESSAGE_BYTES_LIMIT + " (1 GiB)");
            }
            case RETENTION_MS -> {
                Long n = number(v, field, value);
                if (n != null && n != -1 && (n < TopicService.MIN_RETENTION_MS || n > TopicService.MAX_RETENTION_MS)) {
                    v.add(field, "must be -1 (keep forever) or between " + TopicService.MIN_RETENTION_MS + " and "
                            + TopicService.MAX_RETENTION_MS + " milliseconds");
                    return null;
                }
                return n == null ? null : n.toString();
            }
            case RETENTION_BYTES -> {
                Long n = number(v, field, value);
                if (n != null && n != -1 && n < MIN_RETENTION_BYTES) {
                    v.add(field, "must be -1 (no size limit) or at least " + MIN_RETENTION_BYTES + " bytes (1 MiB) per partition");
                    return null;
                }
                return n == null ? null : n.toString();
            }
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static String range(Violations v, String name, String value, long min, long max, String message) {
        Long n = number(v, name, value);
        if (n == null) {
            return null;
        }
        if (n < min || n > max) {
            v.add(name, message);
            return null;
        }
        return n.toString();
    }

    private static Long number(Violations v, String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            v.add(name, "must be a whole number");
            return null;
        }
    }

    /** What the catalog holds: the settings set through Herald and the topic's retention. */
    static Map<String, String> catalogValues(TopicEntity topic) {
        Map<String, String> values = new TreeMap<>(topic.settings);
        values.put(RETENTION_MS, Long.toString(topic.retentionMs));
        return values;
    }

    /** Kafka's configs; null when Kafka did not answer, empty when it lacks the topic. */
    private Optional<List<KafkaConfigEntry>> describe(String name) {
        try {
            return kafka.configs(name);
        } catch (KafkaUnavailableException e) {
            return null;
        }
    }

    /**
     * Kafka's configs once they show the applied change (each broker learns it from the metadata log a
     * moment after the controller took it), or the latest seen after {@link #SETTLE_MS}.
     */
    private List<KafkaConfigEntry> settled(String name, Map<String, String> set, Set<String> reset) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        long pauseMs = 10;
        List<KafkaConfigEntry> latest = null;
        while (true) {
            Optional<List<KafkaConfigEntry>> found = describe(name);
            if (found == null || found.isEmpty()) {
                return latest;
            }
            latest = found.get();
            List<KafkaConfigEntry> now = latest;
            boolean done = set.entrySet().stream().allMatch(s -> entry(now, s.getKey())
                            .map(e -> same(s.getKey(), s.getValue(), e.value())).orElse(false))
                    && reset.stream().allMatch(r -> entry(now, r).map(e -> !e.setOnTopic()).orElse(true));
            if (done || System.nanoTime() > deadline) {
                return latest;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
            pauseMs = Math.min(200, pauseMs * 2);
        }
    }

    private static Optional<KafkaConfigEntry> entry(List<KafkaConfigEntry> entries, String name) {
        return entries == null ? Optional.empty() : entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** After a rollback of the catalog change, puts back in Kafka what the topic had before. */
    private void restoreOnRollback(String name, List<KafkaConfigEntry> previous, Set<String> set, Set<String> reset) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        Map<String, String> back = new TreeMap<>();
        Set<String> backToDefault = new TreeSet<>();
        Set<String> changed = new TreeSet<>(set);
        changed.addAll(reset);
        for (String c : changed) {
            Optional<KafkaConfigEntry> e = entry(previous, c);
            if (e.isPresent() && e.get().setOnTopic() && e.get().value() != null) {
                back.put(c, e.get().value());
            } else {
                backToDefault.add(c);
            }
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    try {
                        kafka.alterConfigs(name, back, backToDefault, false);
                    } catch (RuntimeException e) {
                        log.warn("Settings of topic {} were changed in Kafka but the catalog change rolled back; the topic"
                                + " page shows the drift: {}", name, e.getMessage());
                    }
                }
            }
        });
    }

    private TopicSettingsView view(TopicEntity topic, Optional<List<KafkaConfigEntry>> kafkaConfigs) {
        Map<String, String> catalog = catalogValues(topic);
        boolean reachable = kafkaConfigs != null;
        boolean exists = reachable && kafkaConfigs.isPresent();
        List<KafkaConfigEntry> entries = exists ? kafkaConfigs.get() : List.of();
        List<TopicSettingsView.Setting> out = new ArrayList<>();
        List<String> drift = new ArrayList<>();
        for (String name : EDITABLE) {
            Optional<KafkaConfigEntry> e = entry(entries, name);
            String want = catalog.get(name);
            boolean drifted = exists && e.isPresent()
                    && (want != null ? !same(name, want, e.get().value()) : e.get().setOnTopic());
            if (drifted) {
                drift.add(name);
            }
            out.add(new TopicSettingsView.Setting(name, e.map(KafkaConfigEntry::value).orElse(null),
                    e.map(KafkaConfigEntry::source).orElse(null), e.map(KafkaConfigEntry::isDefault).orElse(want == null),
                    false, false, true, want, drifted));
        }
        for (KafkaConfigEntry e : entries) {
            if (!EDITABLE.contains(e.name())) {
                out.add(new TopicSettingsView.Setting(e.name(), e.value(), e.source(), e.isDefault(), e.readOnly(),
                        e.sensitive(), false, null, false));
            }
        }
        return new TopicSettingsView(topic.name, reachable, exists, out, drift);
    }

    /** Equal as Kafka means them ({@code cleanup.policy} is a list: order does not matter). */
    static boolean same(String name, String a, String b) {
        if (a == null || b == null) {
            return Objects.equals(a, b);
        }
        if (name.equals(CLEANUP_POLICY)) {
            return new TreeSet<>(Arrays.stream(a.split(",")).map(String::strip).toList())
                    .equals(new TreeSet<>(Arrays.stream(b.split(",")).map(String::strip).toList()));
        }
        return a.strip().equals(b.strip());
    }

    private TopicEntity find(String name) {
        return topics.findByName(name).orElseThrow(() -> new NotFoundException("Topic", name));
    }
}
