package io.herald.sdk.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A message type declared on a topic.
 *
 * @param name       the type (the CloudEvents {@code type} attribute)
 * @param jsonSchema the JSON Schema payloads must satisfy, as JSON text, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageTypeConfig(String name, String jsonSchema) {
}
