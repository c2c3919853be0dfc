package io.herald.server.audit;

import java.util.List;

/** Reads the audit trail, newest first. */
public interface AuditLog {

    List<AuditEntry> find(AuditQuery query);
}
