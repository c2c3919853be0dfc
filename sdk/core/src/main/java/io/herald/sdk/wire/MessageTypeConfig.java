package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A message type declared on a topic.
 *
 * @param name          the type (the CloudEvents {@code type} attribute)
 * @param jsonSchema    the JSON Schema payloads must satisfy, as JSON text, or {@code null}
 * @param schemaVersion the version of that schema in the control plane's catalog (1, 2, ...; 0 when
 *                      the type never had one or the control plane predates versions)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageTypeConfig(String name, String jsonSchema, int schemaVersion) {

    /**
     * A type without a known schema version.
     *
     * @param name       the type
     * @param jsonSchema the JSON Schema, or {@code null}
     */
    public MessageTypeConfig(String name, String jsonSchema) {
        this(name, jsonSchema, 0);
    }
}
