package io.herald.server.audit;

import java.time.Instant;

/** Filters for the audit trail; blank filters match everything. */
public record AuditQuery(String actor, String objectType, String objectId, Instant from, Instant to, int page, int size) {
}
