package io.herald.server.security;

/**
 * The port through which the security layer puts what Herald itself did (a sign-in lock, the admin
 * password reset at start-up) on the audit trail, with {@link Caller#SYSTEM} as the actor. The audit
 * feature provides it; security so never depends on the audit package, which depends on security.
 */
public interface SystemAudit {

    /**
     * Records one change made by Herald itself.
     *
     * @param action     e.g. {@code sign-in-locked}
     * @param objectType e.g. {@code sign-in}, {@code console-user}
     * @param objectId   the object's name
     * @param after      the object after the change (secrets are masked before it is written)
     */
    void record(String action, String objectType, String objectId, Object after);
}
