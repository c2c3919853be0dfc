package io.herald.server.catalog;

import io.herald.sdk.wire.JsonSchemas;
import io.herald.server.audit.Auditor;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.Paging;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.provisioning.KafkaProvisioner;
import io.herald.server.provisioning.KafkaTopicState;
import io.herald.server.security.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Topics and their message types. Every change reaches Kafka inside the catalog transaction: when
 * Kafka refuses or does not answer, the transaction rolls back, so catalog and Kafka agree.
 */
@Service
@Transactional
public class TopicService {

    private static final Logger log = LoggerFactory.getLogger(TopicService.class);
    public static final long DEFAULT_RETENTION_MS = Duration.ofDays(7).toMillis();
    public static final int DEFAULT_PARTITIONS = 3;
    static final long MIN_RETENTION_MS = Duration.ofMinutes(1).toMillis();
    static final long MAX_RETENTION_MS = Duration.ofDays(3650).toMillis();

    private final TopicRepository topics;
    private final AppRepository appRepository;
    private final BindingRepository bindings;
    private final KafkaProvisioner kafka;
    private final ConfigVersions versions;
    private final Auditor auditor;
    private final ObjectMapper json;

    TopicService(TopicRepository topics, AppRepository appRepository, BindingRepository bindings,
                 KafkaProvisioner kafka, ConfigVersions versions, Auditor auditor, ObjectMapper json) {
        this.topics = topics;
        this.appRepository = appRepository;
        this.bindings = bindings;
        this.kafka = kafka;
        this.versions = versions;
        this.auditor = auditor;
        this.json = json;
    }

    /**
     * A message type to declare or change; {@code jsonSchema} is JSON text or null, {@code compatibility}
     * a {@link SchemaCompatibility.Mode} name or null (NONE on create, unchanged on update).
     */
    public record TypeRequest(String name, String description, String jsonSchema, String compatibility) {

        public TypeRequest(String name, String description, String jsonSchema) {
            this(name, description, jsonSchema, null);
        }
    }

    /**
     * Create or change a topic. On update, null fields stay as they are; a {@code traceSampleRate}
     * of -1 returns the topic to the server's default.
     */
    public record TopicRequest(String name, String app, Integer partitions, Integer replicationFactor, Long retentionMs,
                               String description, List<String> producers, List<TypeRequest> types, Boolean adopt,
                               Double traceSampleRate, String consumerPolicy, List<String> consumers,
                               java.util.Map<String, String> settings) {

        public TopicRequest(String name, String app, Integer partitions, Integer replicationFactor, Long retentionMs,
                            String description, List<String> producers, List<TypeRequest> types, Boolean adopt,
                            Double traceSampleRate, String consumerPolicy, List<String> consumers) {
            this(name, app, partitions, replicationFactor, retentionMs, description, producers, types, adopt, traceSampleRate,
                    consumerPolicy, consumers, null);
        }

        public TopicRequest(String name, String app, Integer partitions, Integer replicationFactor, Long retentionMs,
                            String description, List<String> producers, List<TypeRequest> types, Boolean adopt,
                            Double traceSampleRate) {
            this(name, app, partitions, replicationFactor, retentionMs, description, producers, types, adopt, traceSampleRate,
                    null, null);
        }
    }

    public TopicView create(Caller caller, TopicRequest request) {
        String owner = request.app() != null ? request.app() : caller.app();
        Violations v = new Violations();
        CatalogRules.topicName(v, "name", request.name());
        if (owner == null || owner.isBlank()) {
            v.add("app", "is required: the app that owns the topic");
        }
        CatalogRules.range(v, "partitions", toLong(request.partitions()), 1, CatalogRules.MAX_PARTITIONS);
        CatalogRules.range(v, "replicationFactor", toLong(request.replicationFactor()), 1, Short.MAX_VALUE);
        retention(v, request.retentionMs());
        sampleRate(v, request.traceSampleRate());
        AppService.length(v, "description", request.description(), 2000);
        validateTypes(v, request.types());
        ConsumerPolicy policy = policy(v, request.consumerPolicy());
        v.throwIfAny();
        caller.requireApp(owner);
        AppEntity app = appRepository.findByName(owner).orElseThrow(() -> new NotFoundException("App", owner, "app"));

        if (topics.findByName(request.name()).isPresent()) {
            throw new ConflictException("Topic '" + request.name() + "' already exists", "name");
        }
        String collision = CatalogRules.collisionName(request.name());
        if (topics.existsByCollisionName(collision)) {
            throw new ConflictException("Topic '" + request.name() + "' collides with an existing topic that differs only"
                    + " by '.' versus '_' (Kafka treats them alike in metric names)", "name");
        }
        int brokers = kafka.brokerCount();
        int rf = request.replicationFactor() != null ? request.replicationFactor() : Math.min(3, brokers);
        if (rf > brokers) {
            throw new ValidationException("replicationFactor",
                    "must not exceed the number of brokers (" + brokers + ")");
        }
        Violations sv = new Violations();
        java.util.Map<String, String> settings = TopicSettings.validateForCreate(sv, request.settings(), rf);
        sv.throwIfAny();
        TopicEntity topic = new TopicEntity();
        topic.name = request.name();
        topic.collisionName = collision;
        topic.app = app;
        topic.partitions = request.partitions() != null ? request.partitions() : DEFAULT_PARTITIONS;
        topic.replicationFactor = (short) rf;
        topic.retentionMs = request.retentionMs() != null ? request.retentionMs() : DEFAULT_RETENTION_MS;
        topic.description = AppService.blankToNull(request.description());
        topic.traceSampleRate = request.traceSampleRate() == null || request.traceSampleRate() == -1 ? null
                : request.traceSampleRate();
        topic.producers = resolveApps("producers", request.producers());
        topic.consumerPolicy = policy == null ? ConsumerPolicy.OPEN : policy;
        topic.consumers = resolveApps("consumers", request.consumers());
        topic.settings.putAll(settings);
        if (request.types() != null) {
            for (TypeRequest t : request.types()) {
                topic.types.add(newType(topic, t, caller));
            }
        }
        topics.saveAndFlush(topic);

        boolean created = kafka.createTopic(topic.name, topic.partitions, topic.replicationFactor, topic.retentionMs,
                topic.settings);
        if (created) {
            deleteFromKafkaOnRollback(topic.name);
        } else if (Boolean.TRUE.equals(request.adopt())) {
            KafkaTopicState actual = kafka.describe(topic.name)
                    .orElseThrow(() -> new ConflictException("Topic '" + topic.name + "' vanished from Kafka while being adopted", "name"));
            adoptPartitions(topic, request.partitions(), actual.partitions().size());
            if (request.replicationFactor() != null && request.replicationFactor() != actual.replicationFactor()) {
                throw new ConflictException("Topic '" + topic.name + "' exists in Kafka with replication factor "
                        + actual.replicationFactor() + ", not the " + request.replicationFactor()
                        + " asked; Herald cannot change it: adopt it without \"replicationFactor\"", "replicationFactor");
            }
            topic.replicationFactor = (short) actual.replicationFactor();
            if (actual.retentionMs() != null) {
                topic.retentionMs = actual.retentionMs();
            }
            // the settings asked with the adoption are the catalog's from now on: Kafka checks them, then takes them
            if (!topic.settings.isEmpty()) {
                kafka.alterConfigs(topic.name, topic.settings, Set.of(), true);
                kafka.alterConfigs(topic.name, topic.settings, Set.of(), false);
            }
        } else {
            throw new ConflictException("Topic '" + topic.name + "' already exists in Kafka but not in Herald's catalog;"
                    + " create it with \"adopt\": true to adopt it", "name");
        }
        versions.topicChanged(topic.id);
        TopicView view = topic.view(null);
        auditor.record(caller, created ? "create" : "adopt", "topic", topic.name, null, view);
        return view;
    }

    /**
     * An adopted topic keeps Kafka's partitions, grown to the count asked when Kafka has fewer (a topic
     * the broker auto-created with one partition is the usual case); more than asked cannot be undone
     * and is refused naming both counts, never silently kept.
     */
    private void adoptPartitions(TopicEntity topic, Integer asked, int inKafka) {
        topic.partitions = inKafka;
        if (asked == null || asked == inKafka) {
            return;
        }
        if (asked < inKafka) {
            throw new ConflictException("Topic '" + topic.name + "' exists in Kafka with " + inKafka + " partitions, more than the "
                    + asked + " asked; Kafka cannot remove partitions: adopt it with \"partitions\": " + inKafka
                    + " or without \"partitions\"", "partitions");
        }
        kafka.increasePartitions(topic.name, asked);
        topic.partitions = asked;
    }

    @Transactional(readOnly = true)
    public PageView<TopicView> list(String query, String app, Paging paging) {
        return list(Caller.SYSTEM, query, app, paging);
    }

    /** A page of the topics the caller may read: an app key does not see RESTRICTED topics it may not read. */
    @Transactional(readOnly = true)
    public PageView<TopicView> list(Caller caller, String query, String app, Paging paging) {
        String like = query == null || query.isBlank() ? "" : "%" + escapeLike(query.strip().toLowerCase(Locale.ROOT)) + "%";
        String reader = caller.admin() || caller.readOnly() || caller.app() == null ? "" : caller.app();
        Page<TopicEntity> page = topics.search(like, app == null ? "" : app, reader,
                PageRequest.of(paging.page(), paging.size(), Sort.by("name")));
        return new PageView<>(page.getContent().stream().map(t -> t.view(null)).toList(), paging.page(), paging.size(),
                page.getTotalElements(), page.getTotalPages());
    }

    /**
     * A page of topics for lists (the console's topic list): the same search as {@link #list}, but
     * without loading whole topics, so a page stays cheap with many thousands of topics.
     */
    @Transactional(readOnly = true)
    public PageView<TopicSummary> summaries(String query, String app, Paging paging) {
        String like = query == null || query.isBlank() ? "" : "%" + escapeLike(query.strip().toLowerCase(Locale.ROOT)) + "%";
        Page<Object[]> page = topics.searchRows(like, app == null ? "" : app,
                PageRequest.of(paging.page(), paging.size(), Sort.by("name")));
        java.util.Map<Long, List<String>> types = new java.util.HashMap<>();
        List<Long> ids = page.getContent().stream().map(r -> (Long) r[0]).toList();
        if (!ids.isEmpty()) {
            for (Object[] r : topics.typeNames(ids)) {
                types.computeIfAbsent((Long) r[0], k -> new ArrayList<>()).add((String) r[1]);
            }
        }
        List<TopicSummary> items = page.getContent().stream()
                .map(r -> new TopicSummary((String) r[1], (String) r[2], (Integer) r[3], (Long) r[4], (String) r[5],
                        types.getOrDefault((Long) r[0], List.of())))
                .toList();
        return new PageView<>(items, paging.page(), paging.size(), page.getTotalElements(), page.getTotalPages());
    }

    /** A topic with Kafka's actual state beside it (or {@code reachable=false}). */
    @Transactional(readOnly = true)
    public TopicView get(String name, boolean withKafka) {
        TopicEntity topic = find(name);
        return topic.view(withKafka ? kafkaState(topic) : null);
    }

    /** {@link #get(String, boolean)} for an API caller: 403 naming the topic when it may not read it. */
    @Transactional(readOnly = true)
    public TopicView get(Caller caller, String name, boolean withKafka) {
        TopicEntity topic = find(name);
        requireReadable(caller, topic);
        return topic.view(withKafka ? kafkaState(topic) : null);
    }

    /**
     * Throws 403 naming the topic unless the app may consume it (bind it, replay it to its groups,
     * read its groups' dead letters there): OPEN, or the app owns or is granted the RESTRICTED topic.
     */
    @Transactional(readOnly = true)
    public void requireConsumable(String app, String topicName) {
        TopicEntity topic = find(topicName);
        if (!topic.mayConsume(app)) {
            throw new ForbiddenException(topic.notConsumable(app));
        }
    }

    /**
     * Throws 403 naming the topic unless the caller may read it: admins and console users always;
     * an app while the topic is OPEN, or when it owns, produces to or is granted the RESTRICTED topic.
     */
    static void requireReadable(Caller caller, TopicEntity topic) {
        if (caller.admin() || caller.readOnly()) {
            return;
        }
        if (caller.app() == null || !topic.mayRead(caller.app())) {
            throw new ForbiddenException("Topic '" + topic.name + "' is RESTRICTED: app '" + caller.app()
                    + "' neither owns nor produces to it and is not among its consumers");
        }
    }

    /**
     * A topic with Kafka's state and drift, plus the per-partition state Kafka reported, from one
     * describe call (the console's topic page needs both).
     *
     * @param partitions what Kafka reported, or null when Kafka did not answer or lacks the topic
     */
    public record Detail(TopicView topic, KafkaTopicState partitions) {
    }

    @Transactional(readOnly = true)
    public Detail detail(String name) {
        TopicEntity topic = find(name);
        Optional<KafkaTopicState> actual;
        try {
            actual = kafka.describe(topic.name);
        } catch (KafkaUnavailableException e) {
            return new Detail(topic.view(KafkaState.unreachable()), null);
        }
        return new Detail(topic.view(kafkaState(topic, actual)), actual.orElse(null));
    }

    @Transactional(readOnly = true)
    public Optional<KafkaTopicState> kafkaDetails(String name) {
        find(name);
        return kafka.describe(name);
    }

    public TopicView update(Caller caller, String name, TopicRequest request) {
        TopicEntity topic = find(name);
        caller.requireApp(topic.app.name);
        Violations v = new Violations();
        if (request.name() != null && !request.name().equals(name)) {
            v.add("name", "cannot be changed; Kafka topics cannot be renamed");
        }
        if (request.app() != null && !request.app().equals(topic.app.name)) {
            caller.requireAdmin();
        }
        CatalogRules.range(v, "partitions", toLong(request.partitions()), 1, CatalogRules.MAX_PARTITIONS);
        if (request.partitions() != null && request.partitions() < topic.partitions) {
            v.add("partitions", "cannot be lowered from " + topic.partitions + " (Kafka can only add partitions)");
        }
        if (request.replicationFactor() != null && request.replicationFactor() != topic.replicationFactor) {
            v.add("replicationFactor", "cannot be changed after creation");
        }
        retention(v, request.retentionMs());
        sampleRate(v, request.traceSampleRate());
        AppService.length(v, "description", request.description(), 2000);
        if (request.types() != null) {
            v.add("types", "change message types through /topics/{topic}/types");
        }
        if (request.settings() != null) {
            v.add("settings", "change Kafka settings through /topics/{topic}/settings");
        }
        ConsumerPolicy policy = policy(v, request.consumerPolicy());
        v.throwIfAny();
        TopicView before = topic.view(null);
        // what the snapshots of its apps hold of a topic: owner, producers, who may consume it, partitions,
        // trace sample rate (description and retention are not in any snapshot)
        Double rate = request.traceSampleRate() == null ? topic.traceSampleRate
                : request.traceSampleRate() == -1 ? null : request.traceSampleRate();
        boolean inSnapshots = (request.app() != null && !request.app().equals(topic.app.name))
                || request.producers() != null || request.consumers() != null
                || (policy != null && policy != topic.consumerPolicy)
                || (request.partitions() != null && request.partitions() != topic.partitions)
                || !Objects.equals(rate, topic.traceSampleRate);
        if (inSnapshots) {
            versions.topicChanged(topic.id); // the apps it concerned before the change
        }
        if (request.app() != null && !request.app().equals(topic.app.name)) {
            topic.app = appRepository.findByName(request.app()).orElseThrow(() -> new NotFoundException("App", request.app(), "app"));
        }
        if (request.description() != null) {
            topic.description = AppService.blankToNull(request.description());
        }
        if (request.producers() != null) {
            topic.producers = resolveApps("producers", request.producers());
        }
        if (policy != null) {
            topic.consumerPolicy = policy;
        }
        if (request.consumers() != null) {
            topic.consumers = resolveApps("consumers", request.consumers());
        }
        boolean retentionChanged = request.retentionMs() != null && request.retentionMs() != topic.retentionMs;
        boolean partitionsChanged = request.partitions() != null && request.partitions() > topic.partitions;
        if (request.retentionMs() != null) {
            topic.retentionMs = request.retentionMs();
        }
        if (request.partitions() != null) {
            topic.partitions = request.partitions();
        }
        if (request.traceSampleRate() != null) {
            topic.traceSampleRate = request.traceSampleRate() == -1 ? null : request.traceSampleRate();
        }
        topic.updatedAt = Instant.now();
        topics.saveAndFlush(topic);
        if (retentionChanged) {
            kafka.setRetention(name, topic.retentionMs);
        }
        if (partitionsChanged) {
            kafka.increasePartitions(name, topic.partitions);
        }
        if (inSnapshots) {
            versions.topicChanged(topic.id);
        } else {
            versions.catalogChanged();
        }
        TopicView after = topic.view(null);
        auditor.record(caller, "update", "topic", name, before, after);
        return after;
    }

    public void delete(Caller caller, String name) {
        TopicEntity topic = find(name);
        caller.requireApp(topic.app.name);
        long bound = bindings.countByTopic(topic);
        if (bound > 0) {
            throw new ConflictException("Topic '" + name + "' still has " + bound + " binding(s); delete them first", "name");
        }
        TopicView before = topic.view(null);
        versions.topicChanged(topic.id);
        topics.delete(topic);
        topics.flush();
        kafka.deleteTopic(name);
        auditor.record(caller, "delete", "topic", name, before, null);
    }

    @Transactional(readOnly = true)
    public List<MessageTypeView> types(String topicName) {
        return find(topicName).types.stream().map(MessageTypeEntity::view).toList();
    }

    /** {@link #types(String)} for an API caller: 403 naming the topic when it may not read it. */
    @Transactional(readOnly = true)
    public List<MessageTypeView> types(Caller caller, String topicName) {
        TopicEntity topic = find(topicName);
        requireReadable(caller, topic);
        return topic.types.stream().map(MessageTypeEntity::view).toList();
    }

    public MessageTypeView addType(Caller caller, String topicName, TypeRequest request) {
        TopicEntity topic = find(topicName);
        caller.requireApp(topic.app.name);
        Violations v = new Violations();
        validateType(v, "", request);
        v.throwIfAny();
        if (topic.types.stream().anyMatch(t -> t.name.equals(request.name()))) {
            throw new ConflictException("Type '" + request.name() + "' is already declared on topic '" + topicName + "'", "name");
        }
        TopicView before = topic.view(null);
        MessageTypeEntity type = newType(topic, request, caller);
        topic.types.add(type);
        topic.updatedAt = Instant.now();
        topics.saveAndFlush(topic);
        versions.topicChanged(topic.id);
        auditor.record(caller, "add-type", "topic", topicName, before, topic.view(null));
        return type.view();
    }

    public MessageTypeView updateType(Caller caller, String topicName, String typeName, TypeRequest request) {
        TopicEntity topic = find(topicName);
        caller.requireApp(topic.app.name);
        MessageTypeEntity type = findType(topic, typeName);
        Violations v = new Violations();
        if (request.name() != null && !request.name().equals(typeName)) {
            v.add("name", "cannot be changed; declare a new type instead");
        }
        AppService.length(v, "description", request.description(), 2000);
        String schema = schema(v, "jsonSchema", request.jsonSchema());
        SchemaCompatibility.Mode mode = request.compatibility() == null ? SchemaCompatibility.Mode.valueOf(type.compatibility)
                : mode(v, "compatibility", request.compatibility());
        v.throwIfAny();
        boolean schemaChanged = request.jsonSchema() != null && !Objects.equals(schema, type.jsonSchema);
        if (schemaChanged) {
            List<SchemaCompatibility.Break> breaks = SchemaCompatibility.breaks(mode, tree(type.jsonSchema), tree(schema));
            if (!breaks.isEmpty()) {
                String against = "breaks " + mode + " compatibility with version " + type.schemaVersion + " at ";
                throw new ValidationException(breaks.stream()
                        .map(b -> new ValidationException.FieldViolation("jsonSchema", against + b)).toList());
            }
        }
        TopicView before = topic.view(null);
        if (request.description() != null) {
            type.description = AppService.blankToNull(request.description());
        }
        type.compatibility = mode.name();
        if (schemaChanged) {
            type.newVersion(schema, caller.name());
        }
        topic.updatedAt = Instant.now();
        if (schemaChanged) {
            versions.topicChanged(topic.id); // snapshots carry a type's schema and its version, not its description
        } else {
            versions.catalogChanged();
        }
        auditor.record(caller, "update-type", "topic", topicName, before, topic.view(null));
        return type.view();
    }

    public void deleteType(Caller caller, String topicName, String typeName) {
        TopicEntity topic = find(topicName);
        caller.requireApp(topic.app.name);
        MessageTypeEntity type = findType(topic, typeName);
        if (bindings.directBindingOnType(topic, typeName)) {
            throw new ConflictException("Type '" + typeName + "' is bound by a DIRECT binding; delete that binding first", "name");
        }
        TopicView before = topic.view(null);
        topic.types.remove(type);
        topic.updatedAt = Instant.now();
        versions.topicChanged(topic.id);
        auditor.record(caller, "delete-type", "topic", topicName, before, topic.view(null));
    }

    /** Topics this app may produce to, for its config snapshot. */
    @Transactional(readOnly = true)
    public boolean canProduce(String topicName, String app) {
        return topics.findByName(topicName).map(t -> t.canProduce(app)).orElse(false);
    }

    TopicEntity find(String name) {
        return topics.findByName(name).orElseThrow(() -> new NotFoundException("Topic", name));
    }

    private KafkaState kafkaState(TopicEntity topic) {
        Optional<KafkaTopicState> actual;
        try {
            actual = kafka.describe(topic.name);
        } catch (KafkaUnavailableException e) {
            return KafkaState.unreachable();
        }
        return kafkaState(topic, actual);
    }

    private static KafkaState kafkaState(TopicEntity topic, Optional<KafkaTopicState> actual) {
        if (actual.isEmpty()) {
            return new KafkaState(true, false, null, null, null, List.of("missing in Kafka"));
        }
        KafkaTopicState k = actual.get();
        List<String> drift = new ArrayList<>();
        if (k.partitions().size() != topic.partitions) {
            drift.add("partitions");
        }
        if (k.replicationFactor() != topic.replicationFactor) {
            drift.add("replicationFactor");
        }
        if (k.retentionMs() != null && k.retentionMs() != topic.retentionMs) {
            drift.add("retentionMs");
        }
        return new KafkaState(true, true, k.partitions().size(), k.replicationFactor(), k.retentionMs(), drift);
    }

    private void deleteFromKafkaOnRollback(String name) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    try {
                        kafka.deleteTopic(name);
                    } catch (RuntimeException e) {
                        log.warn("Topic {} was created in Kafka but the catalog change rolled back; delete it by hand: {}",
                                name, e.getMessage());
                    }
                }
            }
        });
    }

    private Set<AppEntity> resolveApps(String field, List<String> names) {
        if (names == null || names.isEmpty()) {
            return new LinkedHashSet<>();
        }
        Set<String> wanted = new HashSet<>(names);
        List<AppEntity> found = appRepository.findByNameIn(List.copyOf(wanted));
        if (found.size() != wanted.size()) {
            Set<String> missing = new HashSet<>(wanted);
            found.forEach(a -> missing.remove(a.name));
            throw new ValidationException(field, "unknown app(s): " + String.join(", ", missing));
        }
        return new LinkedHashSet<>(found);
    }

    private void validateTypes(Violations v, List<TypeRequest> types) {
        if (types == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < types.size(); i++) {
            TypeRequest t = types.get(i);
            String prefix = "types[" + i + "].";
            if (t == null) {
                v.add("types[" + i + "]", "must not be null");
                continue;
            }
            validateType(v, prefix, t);
            if (t.name() != null && !seen.add(t.name())) {
                v.add(prefix + "name", "is declared twice");
            }
        }
    }

    private void validateType(Violations v, String prefix, TypeRequest t) {
        CatalogRules.typeName(v, prefix + "name", t.name());
        AppService.length(v, prefix + "description", t.description(), 2000);
        schema(v, prefix + "jsonSchema", t.jsonSchema());
        if (t.compatibility() != null) {
            mode(v, prefix + "compatibility", t.compatibility());
        }
    }

    private static ConsumerPolicy policy(Violations v, String name) {
        if (name == null) {
            return null;
        }
        try {
            return ConsumerPolicy.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            v.add("consumerPolicy", "must be OPEN (every app may consume) or RESTRICTED (the owner and the apps in"
                    + " \"consumers\")");
            return null;
        }
    }

    private static SchemaCompatibility.Mode mode(Violations v, String field, String name) {
        try {
            return SchemaCompatibility.Mode.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            v.add(field, "must be NONE, BACKWARD, FORWARD or FULL");
            return SchemaCompatibility.Mode.NONE;
        }
    }

    /** A stored schema as a tree; no schema is the schema {@code true}. */
    private JsonNode tree(String schema) {
        return schema == null ? json.getNodeFactory().booleanNode(true) : json.readTree(schema);
    }

    /** The versions of a type's schema, oldest first. */
    @Transactional(readOnly = true)
    public List<SchemaVersionView> schemaVersions(String topicName, String typeName) {
        return schemaVersions(Caller.SYSTEM, topicName, typeName);
    }

    /** The versions of a type's schema for an API caller: 403 naming the topic when it may not read it. */
    @Transactional(readOnly = true)
    public List<SchemaVersionView> schemaVersions(Caller caller, String topicName, String typeName) {
        TopicEntity topic = find(topicName);
        requireReadable(caller, topic);
        return findType(topic, typeName).versions.stream().map(SchemaVersionEntity::view).toList();
    }

    /** One version of a type's schema; 403 naming the topic when the caller may not read it. */
    @Transactional(readOnly = true)
    public SchemaVersionView schemaVersion(Caller caller, String topicName, String typeName, int version) {
        TopicEntity topic = find(topicName);
        requireReadable(caller, topic);
        return findType(topic, typeName).versions.stream().filter(x -> x.version == version).findFirst()
                .map(SchemaVersionEntity::view)
                .orElseThrow(() -> new NotFoundException("Schema version", topicName + "/" + typeName + "/" + version));
    }

    /**
     * Checks a schema against the JSON Schema draft 2020-12 meta-schema (the one component the SDK
     * validates with too) and returns it compacted; the message names each path at fault.
     */
    private String schema(Violations v, String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(text);
            if (!node.isObject() && !node.isBoolean()) {
                v.add(field, "must be a JSON Schema object");
                return null;
            }
            String compact = json.writeValueAsString(node);
            List<String> problems = JsonSchemas.problems(compact);
            if (!problems.isEmpty()) {
                v.add(field, "is not a valid JSON Schema (draft 2020-12): " + String.join("; ", problems));
                return null;
            }
            return compact;
        } catch (JacksonException e) {
            v.add(field, "is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private MessageTypeEntity newType(TopicEntity topic, TypeRequest t, Caller caller) {
        MessageTypeEntity type = new MessageTypeEntity();
        type.topic = topic;
        type.name = t.name();
        type.description = AppService.blankToNull(t.description());
        if (t.compatibility() != null) {
            type.compatibility = mode(new Violations(), "compatibility", t.compatibility()).name();
        }
        String schema = schema(new Violations(), "jsonSchema", t.jsonSchema());
        if (schema != null) {
            type.newVersion(schema, caller.name());
        }
        return type;
    }

    private static MessageTypeEntity findType(TopicEntity topic, String typeName) {
        return topic.types.stream().filter(t -> t.name.equals(typeName)).findFirst()
                .orElseThrow(() -> new NotFoundException("Type", topic.name + "/" + typeName));
    }

    private static void sampleRate(Violations v, Double rate) {
        if (rate != null && rate != -1 && !(rate >= 0 && rate <= 1)) {
            v.add("traceSampleRate", "must be between 0 and 1 (the share of messages traced), or -1 for the server's default");
        }
    }

    private static void retention(Violations v, Long retentionMs) {
        if (retentionMs != null && retentionMs != -1 && (retentionMs < MIN_RETENTION_MS || retentionMs > MAX_RETENTION_MS)) {
            v.add("retentionMs", "must be -1 (keep forever) or between " + MIN_RETENTION_MS + " and " + MAX_RETENTION_MS);
        }
    }

    private static Long toLong(Integer i) {
        return i == null ? null : i.longValue();
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }


}
