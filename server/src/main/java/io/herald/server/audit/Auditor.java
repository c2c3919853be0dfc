package io.herald.server.audit;

import io.herald.server.security.Caller;

/**
 * The audit port: every change to the catalog is reported here with its actor and the object
 * before and after. Methods do nothing by default; the database auditor records them.
 */
public interface Auditor {

    /**
     * Records one change.
     *
     * @param actor      who made it
     * @param action     e.g. {@code create}, {@code update}, {@code delete}, {@code rotate-key}
     * @param objectType e.g. {@code app}, {@code topic}, {@code binding}
     * @param objectId   the object's name or id
     * @param before     the object before, or {@code null}
     * @param after      the object after, or {@code null}
     */
    default void record(Caller actor, String action, String objectType, String objectId, Object before, Object after) {
    }
}
