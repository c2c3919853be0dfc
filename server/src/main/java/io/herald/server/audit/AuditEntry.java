package io.herald.server.audit;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/** One audit row; {@code before} and {@code after} are JSON with secrets masked. */
public record AuditEntry(long id, Instant at, String actor, String action, String objectType, String objectId,
                         @JsonRawValue String before, @JsonRawValue String after) {
}
