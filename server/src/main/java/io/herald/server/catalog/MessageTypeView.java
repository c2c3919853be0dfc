package io.herald.server.catalog;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * A message type declared on a topic; the schema is JSON text, rendered raw into JSON answers.
 *
 * @param schemaVersion the current schema's version (0: never had one); its history is at
 *                      {@code /topics/{topic}/types/{type}/schemas}
 * @param compatibility NONE, BACKWARD, FORWARD or FULL: what a new schema version must keep
 */
public record MessageTypeView(String name, String description, @JsonRawValue String jsonSchema, int schemaVersion,
                              String compatibility) {
}
