package io.herald.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.wire.JsonSchemas;
import io.herald.server.catalog.HeardVersion;
import io.herald.server.catalog.MessageTypeView;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.DatabaseUnavailableException;
import io.herald.server.common.NotFoundException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The producer's view of the catalog for the server's own writers (HTTP ingestion, schedules):
 * topics with their producers and types, JSON Schemas compiled once. Held in memory and dropped
 * as a whole when the config version moves, so a request does no catalog query. The validator is
 * Herald's one JSON-Schema component ({@link JsonSchemas}), the same as the SDK's sender uses.
 */
@Component
public class ProducerCatalog {

    private static final Logger log = LoggerFactory.getLogger(ProducerCatalog.class);
    /** Jackson 2, as the schema validator and the CloudEvents JSON format use it. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final TopicService topics;
    private final HeardVersion versions;
    private volatile ConcurrentHashMap<String, Optional<Entry>> cache = new ConcurrentHashMap<>();
    /** The entries of the cache replaced by the last change, until the new one holds them again. */
    private volatile Map<String, Optional<Entry>> previous = Map.of();
    private volatile long version = -1;

    ProducerCatalog(TopicService topics, HeardVersion versions) {
        this.topics = topics;
        this.versions = versions;
    }

    /** A topic as seen by producers. */
    public record Entry(String name, String owner, List<String> producers, Map<String, Type> types) {

        public boolean canProduce(String app) {
            return owner.equals(app) || producers.contains(app);
        }
    }

    /** A declared type and its compiled schema (null when it has none). */
    public record Type(String name, JsonSchemas.Validator schema) {

        /** Violations of the schema as "path: message" (worded as the SDK words them), empty when valid or without schema. */
        public List<String> validate(JsonNode payload) {
            return schema == null ? List.of() : schema.validate(payload);
        }
    }

    /** The topic, or {@link NotFoundException} naming {@code field}. */
    public Entry topic(String name, String field) {
        ConcurrentHashMap<String, Optional<Entry>> current = cache;
        // one load per topic however many requests miss at once (a stampede took the pool's connections)
        Optional<Entry> entry = current.get(name);
        if (entry == null) {
            entry = loadOrLastKnown(current, name);
        } else if (entry.isEmpty()) {
            entry = recheck(current, name);
        }
        return entry.orElseThrow(() -> new NotFoundException("Topic", name, field));
    }

    /**
     * The topic loaded into the cache; while PostgreSQL cannot be reached, the entry of the cache
     * the last catalog change replaced (until it is warmed up again), so that a topic producers
     * used before the outage still takes events.
     */
    private Optional<Entry> loadOrLastKnown(ConcurrentHashMap<String, Optional<Entry>> current, String name) {
        try {
            return current.computeIfAbsent(name, this::load);
        } catch (RuntimeException e) {
            Optional<Entry> known = previous.get(name);
            if (known != null && known.isPresent() && DatabaseUnavailableException.in(e).isPresent()) {
                return known;
            }
            throw e;
        }
    }

    /**
     * A miss is looked up again rather than answered from the cache until the next refresh: a topic
     * created moments ago (through another instance, or before this instance saw the new config
     * version) is found on its first event. Misses of one topic are looked up one at a time.
     */
    private Optional<Entry> recheck(ConcurrentHashMap<String, Optional<Entry>> current, String name) {
        return current.compute(name, (n, old) -> old != null && old.isPresent() ? old : load(n));
    }

    /** The topic read anew from the catalog (after a check failed on a possibly stale entry). */
    public Entry fresh(String name) {
        Optional<Entry> entry = load(name);
        cache.put(name, entry);
        return entry.orElseThrow(() -> new NotFoundException("Topic", name, "topic"));
    }

    private Optional<Entry> load(String name) {
        TopicView view;
        try {
            view = topics.get(name, false);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        Map<String, Type> types = new HashMap<>();
        for (MessageTypeView t : view.types()) {
            types.put(t.name(), new Type(t.name(), compile(view.name(), t)));
        }
        return Optional.of(new Entry(view.name(), view.app(), view.producers() == null ? List.of() : List.copyOf(view.producers()),
                Map.copyOf(types)));
    }

    private JsonSchemas.Validator compile(String topic, MessageTypeView type) {
        if (type.jsonSchema() == null || type.jsonSchema().isBlank()) {
            return null;
        }
        try {
            return JsonSchemas.compile(type.jsonSchema());
        } catch (Exception e) {
            log.warn("JSON Schema of type '{}' on topic '{}' cannot be compiled; payloads are not validated: {}",
                    type.name(), topic, e.toString());
            return null;
        }
    }

    /** Drops the cache when the catalog changed (checked every {@code herald.ingest.catalog-refresh}). */
    @Scheduled(fixedDelayString = "${herald.ingest.catalog-refresh:500ms}")
    void refresh() {
        if (!versions.listening()) {
            return; // PostgreSQL is away (or the listener reconnects: counted as a change once it is back)
        }
        long now = versions.version();
        if (now != version) {
            version = now;
            invalidate();
        }
        warmUp();
    }

    /**
     * Loads again the topics the replaced cache knew, so that the cache holds them when PostgreSQL
     * goes away; until then they are the fallback of {@link #loadOrLastKnown}.
     */
    private void warmUp() {
        Map<String, Optional<Entry>> known = previous;
        if (known.isEmpty()) {
            return;
        }
        ConcurrentHashMap<String, Optional<Entry>> current = cache;
        try {
            known.forEach((name, entry) -> {
                if (entry.isPresent()) {
                    current.computeIfAbsent(name, this::load);
                }
            });
        } catch (RuntimeException e) {
            // PostgreSQL is down: the replaced entries stay the fallback; the next refresh tries again
            return;
        }
        synchronized (this) {
            if (previous == known && cache == current) {
                previous = Map.of();
            }
        }
    }

    /** Forgets everything at once (after a change made through this instance); what was known is loaded again soon. */
    public synchronized void invalidate() {
        Map<String, Optional<Entry>> known = new HashMap<>(previous);
        known.putAll(cache);
        previous = Map.copyOf(known);
        cache = new ConcurrentHashMap<>();
    }
}
