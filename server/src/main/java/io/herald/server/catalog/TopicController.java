package io.herald.server.catalog;

import io.herald.server.common.Paging;
import io.herald.server.security.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/topics")
class TopicController {

    private final TopicService topics;
    private final TopicSettings settings;

    TopicController(TopicService topics, TopicSettings settings) {
        this.topics = topics;
        this.settings = settings;
    }

    /** A type in a request: the schema may be a JSON object or a string holding JSON. */
    record TypeBody(String name, String description, JsonNode jsonSchema, String compatibility) {
        TopicService.TypeRequest toRequest() {
            String schema = jsonSchema == null || jsonSchema.isNull() ? null
                    : jsonSchema.isString() ? jsonSchema.asString() : jsonSchema.toString();
            return new TopicService.TypeRequest(name, description, schema, compatibility);
        }
    }

    record TopicBody(String name, String app, Integer partitions, Integer replicationFactor, Long retentionMs,
                     String description, List<String> producers, List<TypeBody> types, Boolean adopt, Double traceSampleRate,
                     String consumerPolicy, List<String> consumers, JsonNode settings) {
        TopicService.TopicRequest toRequest() {
            return new TopicService.TopicRequest(name, app, partitions, replicationFactor, retentionMs, description,
                    producers, types == null ? null : types.stream().map(t -> t == null ? null : t.toRequest()).toList(), adopt,
                    traceSampleRate, consumerPolicy, consumers, settings == null || settings.isNull() ? null
                            : settingValues("settings.", settings));
        }
    }

    /**
     * Settings as the API takes them: a JSON object of Kafka config names to a string or number, or null for
     * the broker's default.
     */
    /** Every topic-level config name kafka-clients knows ({@code TopicConfig}'s {@code *_CONFIG} constants). */
    static final java.util.Set<String> KAFKA_TOPIC_CONFIGS = java.util.Arrays.stream(
                    org.apache.kafka.common.config.TopicConfig.class.getFields())
            .filter(f -> f.getName().endsWith("_CONFIG") && f.getType() == String.class
                    && java.lang.reflect.Modifier.isStatic(f.getModifiers()))
            .map(f -> {
                try {
                    return (String) f.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            })
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    static java.util.Map<String, String> settingValues(String prefix, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new io.herald.server.common.ValidationException(prefix.isEmpty() ? "settings" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object of Kafka config names to values, e.g. {\"cleanup.policy\": \"compact\"}");
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        io.herald.server.common.Violations v = new io.herald.server.common.Violations();
        for (var e : body.properties()) {
            JsonNode value = e.getValue();
            if (value == null || value.isNull()) {
                out.put(e.getKey(), null);
            } else if (value.isString() || value.isNumber()) {
                out.put(e.getKey(), value.asString());
            } else {
                v.add(prefix + e.getKey(), "must be a string or a number, or null for the broker's default");
            }
        }
        v.throwIfAny();
        return out;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    ResponseEntity<TopicView> create(Caller caller, @RequestBody TopicBody body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(topics.create(caller, body.toRequest()));
    }

    @GetMapping
    PageView<TopicView> list(Caller caller, @RequestParam(required = false) String q, @RequestParam(required = false) String app,
                             @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return topics.list(caller, q, app, Paging.of(page, size));
    }

    @GetMapping("/{topic}")
    TopicView get(Caller caller, @PathVariable String topic, @RequestParam(defaultValue = "true") boolean kafka) {
        return topics.get(caller, topic, kafka);
    }

    @PatchMapping("/{topic}")
    TopicView update(Caller caller, @PathVariable String topic, @RequestBody TopicBody body) {
        return topics.update(caller, topic, body.toRequest());
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{topic}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String topic) {
        topics.delete(caller, topic);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{topic}/settings")
    TopicSettingsView settings(Caller caller, @PathVariable String topic) {
        return settings.settings(caller, topic);
    }

    /** Changes settings: {@code {"cleanup.policy": "compact", "retention.bytes": null}} (null: back to the broker's default). */
    @PatchMapping("/{topic}/settings")
    TopicSettingsView updateSettings(Caller caller, @PathVariable String topic, @RequestBody JsonNode body) {
        java.util.Map<String, String> values = settingValues("", body);
        for (String name : values.keySet()) {
            // a name Kafka does not know is no setting at all: refused before the topic is looked up
            if (!TopicSettings.EDITABLE.contains(name) && !KAFKA_TOPIC_CONFIGS.contains(name)) {
                throw new io.herald.server.common.UnknownFieldException("topic settings", name,
                        String.join(", ", TopicSettings.EDITABLE));
            }
        }
        return settings.update(caller, topic, values);
    }

    @GetMapping("/{topic}/types")
    List<MessageTypeView> types(Caller caller, @PathVariable String topic) {
        return topics.types(caller, topic);
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/{topic}/types")
    ResponseEntity<MessageTypeView> addType(Caller caller, @PathVariable String topic, @RequestBody TypeBody body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(topics.addType(caller, topic, body.toRequest()));
    }

    @PatchMapping("/{topic}/types/{type}")
    MessageTypeView updateType(Caller caller, @PathVariable String topic, @PathVariable String type, @RequestBody TypeBody body) {
        return topics.updateType(caller, topic, type, body.toRequest());
    }

    @GetMapping("/{topic}/types/{type}/schemas")
    List<SchemaVersionView> schemaVersions(Caller caller, @PathVariable String topic, @PathVariable String type) {
        return topics.schemaVersions(caller, topic, type);
    }

    @GetMapping("/{topic}/types/{type}/schemas/{version}")
    SchemaVersionView schemaVersion(Caller caller, @PathVariable String topic, @PathVariable String type,
                                    @PathVariable int version) {
        return topics.schemaVersion(caller, topic, type, version);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{topic}/types/{type}")
    ResponseEntity<Void> deleteType(Caller caller, @PathVariable String topic, @PathVariable String type) {
        topics.deleteType(caller, topic, type);
        return ResponseEntity.noContent().build();
    }
}
