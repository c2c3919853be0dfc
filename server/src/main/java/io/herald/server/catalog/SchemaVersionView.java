package io.herald.server.catalog;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * One version of a message type's schema.
 *
 * @param version       1, 2, ... in the order they were written
 * @param jsonSchema    the schema, or null when this version removed it
 * @param compatibility the type's mode when this version was written
 * @param changedBy     who wrote it
 * @param changedAt     when
 */
public record SchemaVersionView(int version, @JsonRawValue String jsonSchema, String compatibility, String changedBy,
                                Instant changedAt) {
}
