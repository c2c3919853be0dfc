package io.herald.server.catalog;

import io.herald.server.audit.Auditor;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TypePatterns;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.provisioning.KafkaProvisioner;
import io.herald.server.security.Caller;
import io.herald.sdk.wire.HeraldTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Consumer bindings: which group of which app receives which types of a topic, and how it retries. */
@Service
@Transactional
public class BindingService {

    public static final int DEFAULT_DELIVERY_LIMIT = 5;
    public static final long DEFAULT_BACKOFF_MS = 1000;
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    public static final long DEFAULT_BACKOFF_MAX_MS = 60_000;
    private static final long MAX_BACKOFF_MS = Duration.ofDays(1).toMillis();
    private static final double MAX_RATE_PER_SECOND = 1_000_000;
    /** Longest dedupe window: an SDK instance keeps the ce_ids it handled for at most a day. */
    static final long MAX_DEDUPE_WINDOW_MS = Duration.ofDays(1).toMillis();
    /** A delivery limit meaning "retry for ever" (KiteQ's DeliveryLimit -1), as the SDK's {@code Binding.UNLIMITED}. */
    static final int UNLIMITED = -1;
    private static final int MAX_DELIVERY_LIMIT = 1000;
    private static final long MAX_EXPIRY_MS = Duration.ofDays(365).toMillis();
    static final long DEAD_LETTER_RETENTION_MS = Duration.ofDays(14).toMillis();
    /** As herald.replay.replay-topic-partitions and -retention default for the topics a replay job creates. */
    static final int REPLAY_TOPIC_PARTITIONS = 3;
    static final long REPLAY_RETENTION_MS = Duration.ofDays(7).toMillis();

    private final BindingRepository bindings;
    private final AppRepository apps;
    private final TopicRepository topics;
    private final ConfigVersions versions;
    private final Auditor auditor;
    private final KafkaProvisioner kafka;

    BindingService(BindingRepository bindings, AppRepository apps, TopicRepository topics, ConfigVersions versions,
                   Auditor auditor, KafkaProvisioner kafka) {
        this.kafka = kafka;
        this.bindings = bindings;
        this.apps = apps;
        this.topics = topics;
        this.versions = versions;
        this.auditor = auditor;
    }

    /** Create or change a binding; on update, null fields stay as they are and app, group, topic cannot change. */
    public record BindingRequest(String app, String group, String topic, String kind, String typePattern,
                                 Integer deliveryLimit, Long backoffMillis, Double backoffMultiplier,
                                 Long backoffMaxMillis, Long expiryMillis, Boolean paused, Integer concurrency,
                                 Double ratePerSecond, Long dedupeWindowMillis) {
    }

    public BindingView create(Caller caller, BindingRequest r) {
        String appName = r.app() != null ? r.app() : caller.app();
        Violations v = new Violations();
        if (appName == null || appName.isBlank()) {
            v.add("app", "is required: the app that consumes");
        }
        CatalogRules.groupName(v, "group", r.group(), r.topic());
        if (r.topic() == null || r.topic().isBlank()) {
            v.add("topic", "is required");
        }
        BindingKind kind = kind(v, r.kind());
        settings(v, r);
        v.throwIfAny();
        caller.requireApp(appName);
        AppEntity app = apps.findByName(appName).orElseThrow(() -> new NotFoundException("App", appName, "app"));
        TopicEntity topic = topics.findByName(r.topic()).orElseThrow(() -> new NotFoundException("Topic", r.topic(), "topic"));
        if (!topic.mayConsume(app.name)) {
            throw new ForbiddenException(topic.notConsumable(app.name), "topic");
        }
        String pattern = pattern(kind, r.typePattern(), topic);
        if (bindings.groupUsedByOtherApp(r.group(), app)) {
            throw new ConflictException("Consumer group '" + r.group() + "' belongs to another app", "group");
        }
        if (bindings.existsByAppAndGroupNameAndTopicAndKindAndTypePattern(app, r.group(), topic, kind, pattern)) {
            throw new ConflictException("This binding already exists", "typePattern");
        }
        BindingEntity b = new BindingEntity();
        b.app = app;
        b.groupName = r.group();
        b.topic = topic;
        b.kind = kind;
        b.typePattern = pattern;
        b.deliveryLimit = r.deliveryLimit() != null ? r.deliveryLimit() : DEFAULT_DELIVERY_LIMIT;
        b.backoffMs = r.backoffMillis() != null ? r.backoffMillis() : DEFAULT_BACKOFF_MS;
        b.backoffMultiplier = r.backoffMultiplier() != null ? r.backoffMultiplier() : DEFAULT_BACKOFF_MULTIPLIER;
        b.backoffMaxMs = r.backoffMaxMillis() != null ? r.backoffMaxMillis() : Math.max(DEFAULT_BACKOFF_MAX_MS, b.backoffMs);
        b.expiryMs = r.expiryMillis() == null || r.expiryMillis() == 0 ? null : r.expiryMillis();
        b.paused = Boolean.TRUE.equals(r.paused());
        b.concurrency = r.concurrency() != null ? r.concurrency() : 1;
        b.ratePerSecond = r.ratePerSecond() == null || r.ratePerSecond() == 0 ? null : r.ratePerSecond();
        b.dedupeWindowMs = r.dedupeWindowMillis() == null || r.dedupeWindowMillis() == 0 ? null : r.dedupeWindowMillis();
        checkBackoffMax(b);
        bindings.saveAndFlush(b);
        // The SDK dead-letters into this topic; it must exist even where brokers do not auto-create topics.
        kafka.ensureTopic(b.deadLetterTopic(), topic.partitions, DEAD_LETTER_RETENTION_MS);
        // The group's replay topic exists from now on, so its SDK consumers are assigned it when they
        // subscribe and the first replay to the group reaches them at once (created only by the first
        // replay job, it was found at the consumers' next metadata refresh, up to 30 s later).
        kafka.ensureTopic(HeraldTopics.replay(b.groupName), Math.max(REPLAY_TOPIC_PARTITIONS, topic.partitions), REPLAY_RETENTION_MS);
        versions.appChanged(b.app.id);
        auditor.record(caller, "create", "binding", String.valueOf(b.id), null, b.view());
        return b.view();
    }

    @Transactional(readOnly = true)
    public List<BindingView> list(Caller caller, String app, String topic, String group) {
        String appFilter = app == null ? "" : app;
        if (!caller.admin() && !caller.readOnly()) {
            if (!appFilter.isEmpty() && !appFilter.equals(caller.app())) {
                throw new ForbiddenException("The caller may not list bindings of app '" + app + "'");
            }
            appFilter = caller.app();
        }
        return bindings.search(appFilter, topic == null ? "" : topic, group == null ? "" : group).stream()
                .map(BindingEntity::view).toList();
    }

    /**
     * The id of consumer group {@code group}'s binding on {@code topic}: 404 when there is none, 409
     * naming the ids when the group has several there (different kinds or type patterns).
     */
    @Transactional(readOnly = true)
    public long idOf(String group, String topic) {
        List<BindingEntity> found = bindings.search("", topic, group).stream()
                .filter(b -> b.groupName.equals(group) && b.topic.name.equals(topic)).toList();
        if (found.isEmpty()) {
            throw new NotFoundException("Binding", group + "/" + topic, "group");
        }
        if (found.size() > 1) {
            throw new ConflictException("Group '" + group + "' has " + found.size() + " bindings on topic '" + topic + "' (ids "
                    + String.join(", ", found.stream().map(b -> String.valueOf(b.id)).toList()) + "): address one as /bindings/{id}",
                    "id");
        }
        return found.get(0).id;
    }

    @Transactional(readOnly = true)
    public BindingView get(Caller caller, long id) {
        BindingEntity b = find(id);
        if (!caller.readOnly() && !caller.actsFor(b.app.name)) {
            throw new ForbiddenException("The caller may not read bindings of app '" + b.app.name + "'");
        }
        return b.view();
    }

    public BindingView update(Caller caller, long id, BindingRequest r) {
        BindingEntity b = find(id);
        caller.requireApp(b.app.name);
        if (b.blocked()) {
            throw new ForbiddenException(b.topic.notConsumable(b.app.name) + "; binding " + id
                    + " is blocked: it can be deleted, not changed");
        }
        Violations v = new Violations();
        if (r.app() != null && !r.app().equals(b.app.name)) {
            v.add("app", "cannot be changed");
        }
        if (r.group() != null && !r.group().equals(b.groupName)) {
            v.add("group", "cannot be changed");
        }
        if (r.topic() != null && !r.topic().equals(b.topic.name)) {
            v.add("topic", "cannot be changed");
        }
        BindingKind kind = r.kind() != null ? kind(v, r.kind()) : b.kind;
        settings(v, r);
        v.throwIfAny();
        BindingView before = b.view();
        if (r.kind() != null || r.typePattern() != null) {
            String pattern = pattern(kind, r.typePattern() != null ? r.typePattern() : b.typePattern, b.topic);
            if ((kind != b.kind || !pattern.equals(b.typePattern))
                    && bindings.existsByAppAndGroupNameAndTopicAndKindAndTypePattern(b.app, b.groupName, b.topic, kind, pattern)) {
                throw new ConflictException("An identical binding already exists", "typePattern");
            }
            b.kind = kind;
            b.typePattern = pattern;
        }
        if (r.deliveryLimit() != null) {
            b.deliveryLimit = r.deliveryLimit();
        }
        if (r.backoffMillis() != null) {
            b.backoffMs = r.backoffMillis();
        }
        if (r.backoffMultiplier() != null) {
            b.backoffMultiplier = r.backoffMultiplier();
        }
        if (r.backoffMaxMillis() != null) {
            b.backoffMaxMs = r.backoffMaxMillis();
        }
        if (r.expiryMillis() != null) {
            b.expiryMs = r.expiryMillis() == 0 ? null : r.expiryMillis();
        }
        if (r.paused() != null) {
            b.paused = r.paused();
        }
        if (r.concurrency() != null) {
            b.concurrency = r.concurrency();
        }
        if (r.ratePerSecond() != null) {
            b.ratePerSecond = r.ratePerSecond() == 0 ? null : r.ratePerSecond();
        }
        if (r.dedupeWindowMillis() != null) {
            b.dedupeWindowMs = r.dedupeWindowMillis() == 0 ? null : r.dedupeWindowMillis();
        }
        checkBackoffMax(b);
        b.updatedAt = Instant.now();
        bindings.saveAndFlush(b);
        versions.appChanged(b.app.id);
        auditor.record(caller, "update", "binding", String.valueOf(id), before, b.view());
        return b.view();
    }

    public void delete(Caller caller, long id) {
        BindingEntity b = find(id);
        caller.requireApp(b.app.name);
        BindingView before = b.view();
        bindings.delete(b);
        bindings.flush();
        versions.appChanged(b.app.id);
        auditor.record(caller, "delete", "binding", String.valueOf(id), before, null);
    }

    /** Which of the topic's declared types a binding of this kind and pattern would receive. */
    @Transactional(readOnly = true)
    public List<String> preview(String topicName, String kindName, String typePattern) {
        TopicEntity topic = topics.findByName(topicName).orElseThrow(() -> new NotFoundException("Topic", topicName, "topic"));
        Violations v = new Violations();
        BindingKind kind = kind(v, kindName);
        if (kind == BindingKind.REGEX) {
            CatalogRules.regex(v, "typePattern", typePattern);
        }
        v.throwIfAny();
        List<String> types = topic.types.stream().map(t -> t.name).sorted().toList();
        return switch (kind) {
            case FANOUT -> types;
            case DIRECT -> types.stream().filter(t -> t.equals(typePattern)).toList();
            // within the time budget: a pattern that backtracks for seconds is answered 422 naming typePattern
            case REGEX -> TypePatterns.matching(TypePatterns.compile(typePattern), types);
        };
    }

    BindingEntity find(long id) {
        return bindings.findById(id).orElseThrow(() -> new NotFoundException("Binding", String.valueOf(id)));
    }

    private static BindingKind kind(Violations v, String kind) {
        if (kind == null || kind.isBlank()) {
            v.add("kind", "is required: DIRECT, REGEX or FANOUT");
            return BindingKind.FANOUT;
        }
        try {
            return BindingKind.valueOf(kind.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            v.add("kind", "must be DIRECT, REGEX or FANOUT");
            return BindingKind.FANOUT;
        }
    }

    private static String pattern(BindingKind kind, String pattern, TopicEntity topic) {
        Violations v = new Violations();
        switch (kind) {
            case FANOUT -> {
                if (pattern != null && !pattern.isEmpty()) {
                    v.add("typePattern", "must be empty for a FANOUT binding (it receives every type)");
                }
            }
            case REGEX -> {
                CatalogRules.regex(v, "typePattern", pattern);
                if (v.isEmpty()) {
                    // the types declared today are matched once, within the time budget: a pattern that
                    // backtracks for seconds on one of them is refused here, not found out by every reader
                    TypePatterns.matching(TypePatterns.compile(pattern), topic.types.stream().map(t -> t.name).toList());
                }
            }
            case DIRECT -> {
                if (pattern == null || pattern.isBlank()) {
                    v.add("typePattern", "is required for a DIRECT binding: the exact message type");
                } else if (pattern.length() > TypePatterns.MAX_LENGTH) {
                    v.add("typePattern", "must be at most " + TypePatterns.MAX_LENGTH + " characters");
                } else if (topic.types.stream().noneMatch(t -> t.name.equals(pattern))) {
                    v.add("typePattern", "type '" + pattern + "' is not declared on topic '" + topic.name + "'");
                }
            }
        }
        v.throwIfAny();
        return kind == BindingKind.FANOUT ? "" : pattern;
    }

    private static void settings(Violations v, BindingRequest r) {
        Integer limit = r.deliveryLimit();
        if (limit != null && limit != UNLIMITED && (limit < 1 || limit > MAX_DELIVERY_LIMIT)) {
            v.add("deliveryLimit", "must be between 1 and " + MAX_DELIVERY_LIMIT + ", or " + UNLIMITED
                    + " for unlimited (retried under the capped back-off for ever), not " + limit);
        }
        CatalogRules.range(v, "backoffMillis", r.backoffMillis(), 0, MAX_BACKOFF_MS);
        CatalogRules.range(v, "backoffMultiplier", r.backoffMultiplier(), 1.0, 10.0);
        CatalogRules.range(v, "backoffMaxMillis", r.backoffMaxMillis(), 0, MAX_BACKOFF_MS);
        if (r.expiryMillis() != null && r.expiryMillis() != 0) {
            CatalogRules.range(v, "expiryMillis", r.expiryMillis(), 1000, MAX_EXPIRY_MS);
        }
        CatalogRules.range(v, "concurrency", r.concurrency() == null ? null : r.concurrency().longValue(), 1, 256);
        if (r.ratePerSecond() != null && (!Double.isFinite(r.ratePerSecond()) || r.ratePerSecond() < 0
                || r.ratePerSecond() > MAX_RATE_PER_SECOND)) {
            v.add("ratePerSecond", "must be between 0 (no limit) and " + (long) MAX_RATE_PER_SECOND
                    + " messages per second, not " + r.ratePerSecond());
        }
        if (r.dedupeWindowMillis() != null && (r.dedupeWindowMillis() < 0 || r.dedupeWindowMillis() > MAX_DEDUPE_WINDOW_MS)) {
            v.add("dedupeWindowMillis", "must be between 0 (no deduplication) and " + MAX_DEDUPE_WINDOW_MS
                    + " (24 hours) milliseconds, not " + r.dedupeWindowMillis());
        }
    }

    private static void checkBackoffMax(BindingEntity b) {
        if (b.backoffMaxMs < b.backoffMs) {
            throw new ValidationException("backoffMaxMillis", "must not be below backoffMillis (" + b.backoffMs + ")");
        }
    }
}
