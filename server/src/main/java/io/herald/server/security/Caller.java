package io.herald.server.security;

import io.herald.server.common.ForbiddenException;

/**
 * Who makes a request: the admin (admin token or an ADMIN/EDITOR console user), an app (its API
 * key), or a read-only console user. Services check what a caller may touch through this record.
 *
 * @param name  the actor written into the audit log
 * @param admin may change everything
 * @param app   the app an API key belongs to, or {@code null}
 * @param readOnly may only read (console VIEWER)
 */
public record Caller(String name, boolean admin, String app, boolean readOnly) {

    public static final Caller SYSTEM = new Caller("herald", true, null, false);

    public static Caller admin(String name) {
        return new Caller(name, true, null, false);
    }

    public static Caller app(String app) {
        return new Caller("app:" + app, false, app, false);
    }

    /** May this caller act for the app? Admins may act for every app. */
    public boolean actsFor(String appName) {
        return admin || (app != null && app.equals(appName));
    }

    /** Throws unless the caller may change objects of the app. */
    public void requireApp(String appName) {
        requireWrite();
        if (!actsFor(appName)) {
            throw new ForbiddenException("The caller may not change objects of app '" + appName + "'");
        }
    }

    public void requireAdmin() {
        requireWrite();
        if (!admin) {
            throw new ForbiddenException("Only an admin may do this");
        }
    }

    /** Throws unless the caller is an admin; reading only. */
    public void requireAdminRead() {
        if (!admin) {
            throw new ForbiddenException("Only an admin may do this");
        }
    }

    public void requireWrite() {
        if (readOnly) {
            throw new ForbiddenException("The caller has read-only access");
        }
    }
}
