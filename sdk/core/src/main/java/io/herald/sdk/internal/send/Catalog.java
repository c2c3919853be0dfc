package io.herald.sdk.internal.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.ProduceNotAllowedException;
import io.herald.sdk.UndeclaredTypeException;
import io.herald.sdk.UnknownTopicException;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.JsonSchemas;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's view of one config snapshot, prepared once per snapshot (schemas compiled,
 * type headers encoded) so that a send only does map look-ups.
 */
public final class Catalog {

    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    /** No snapshot known: no checks. */
    public static final Catalog NONE = new Catalog(null, Map.of());

    private final String app;
    private final Map<String, TopicEntry> topics;

    private Catalog(String app, Map<String, TopicEntry> topics) {
        this.app = app;
        this.topics = topics;
    }

    public static Catalog of(ConfigSnapshot snapshot, ObjectMapper mapper) {
        return of(snapshot, mapper, null);
    }

    /**
     * @param dataschemaBase the control plane's URL when records carry {@code ce_dataschema}
     *                       ({@code herald.producer.dataschema}), else null
     */
    public static Catalog of(ConfigSnapshot snapshot, ObjectMapper mapper, String dataschemaBase) {
        Map<String, TopicEntry> topics = new HashMap<>();
        for (TopicConfig topic : snapshot.topics()) {
            Map<String, TypeEntry> types = new LinkedHashMap<>();
            for (MessageTypeConfig type : topic.types()) {
                JsonSchemas.Validator schema = compile(topic.name(), type);
                Header dataschema = dataschemaBase == null || schema == null || type.schemaVersion() < 1 ? null
                        : WireHeaders.header(HeraldHeaders.CE_DATASCHEMA, dataschemaBase.replaceAll("/+$", "") + "/api/v1/topics/"
                                + encode(topic.name()) + "/types/" + encode(type.name()) + "/schemas/" + type.schemaVersion());
                types.put(type.name(), new TypeEntry(type.name(), WireHeaders.header(HeraldHeaders.CE_TYPE, type.name()),
                        schema, dataschema));
            }
            topics.put(topic.name(), new TopicEntry(topic.name(), topic.canProduce(), types));
        }
        return new Catalog(snapshot.app(), topics);
    }

    private static JsonSchemas.Validator compile(String topic, MessageTypeConfig type) {
        if (type.jsonSchema() == null || type.jsonSchema().isBlank()) {
            return null;
        }
        try {
            return JsonSchemas.compile(type.jsonSchema());
        } catch (Exception e) {
            // A broken schema in the catalog must not stop all sends of the type; the server validates schemas on entry.
            log.warn("JSON Schema of type '{}' on topic '{}' cannot be compiled, payloads of this type are not validated: {}",
                    type.name(), topic, e.toString());
            return null;
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public boolean isKnown() {
        return this != NONE;
    }

    /**
     * Checks topic, permission and type.
     *
     * @return the type entry, or {@code null} when no catalog is known
     */
    public TypeEntry check(String topic, String type) {
        if (this == NONE) {
            return null;
        }
        TopicEntry entry = topics.get(topic);
        if (entry == null) {
            throw new UnknownTopicException(topic);
        }
        if (!entry.canProduce) {
            throw new ProduceNotAllowedException(app, topic);
        }
        if (entry.types.isEmpty() && type.isEmpty()) {
            return UNTYPED; // Koper's untyped topics: no types declared, messages carry an empty type
        }
        TypeEntry typeEntry = entry.types.get(type);
        if (typeEntry == null) {
            throw new UndeclaredTypeException(topic, type, entry.types.keySet());
        }
        return typeEntry;
    }

    /** The only type of the topic, for the short send form; {@code null} when no catalog is known. */
    public String onlyType(String topic) {
        if (this == NONE) {
            return null;
        }
        TopicEntry entry = topics.get(topic);
        if (entry == null) {
            throw new UnknownTopicException(topic);
        }
        if (entry.types.isEmpty()) {
            return "";
        }
        if (entry.types.size() != 1) {
            throw new UndeclaredTypeException(topic, null, entry.types.keySet());
        }
        return entry.types.keySet().iterator().next();
    }

    /** The type of a message on a topic that declares none: empty. */
    private static final TypeEntry UNTYPED = new TypeEntry("", WireHeaders.header(HeraldHeaders.CE_TYPE, ""), null, null);

    record TopicEntry(String name, boolean canProduce, Map<String, TypeEntry> types) {
    }

    /** A declared type: its ready-made ce_type header, compiled schema (or null) and ce_dataschema header (or null). */
    public record TypeEntry(String name, Header typeHeader, JsonSchemas.Validator schema, Header dataschemaHeader) {

        /** @return violations, each "path: message", empty when valid */
        public List<String> validate(JsonNode node) {
            return schema.validate(node);
        }
    }
}
