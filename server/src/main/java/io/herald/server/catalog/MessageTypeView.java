package io.herald.server.catalog;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** A message type declared on a topic; the schema is JSON text, rendered raw into JSON answers. */
public record MessageTypeView(String name, String description, @JsonRawValue String jsonSchema) {
}
