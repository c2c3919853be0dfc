package io.herald.server.console;

import io.herald.server.security.ConsoleUsers;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The signed-in console user as templates see it: which actions to offer. Offering is not
 * allowing: every action is checked again on the server (security chain and catalog services).
 *
 * @param canEdit     ADMIN or EDITOR: may change the catalog
 * @param admin       ADMIN: may manage console users and delete apps
 * @param messageView may see message keys, headers and payloads
 */
public record Me(String name, String role, boolean canEdit, boolean admin, boolean messageView) {

    /** The signed-in console user of this request, or {@code null}. */
    public static Me current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The console user of an authentication, or {@code null} when nobody is signed in. */
    static Me of(Authentication auth) {
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return null;
        }
        String role = "VIEWER";
        boolean messageView = false;
        for (GrantedAuthority a : auth.getAuthorities()) {
            String name = a.getAuthority();
            if (name.equals("ROLE_ADMIN")) {
                role = "ADMIN";
            } else if (name.equals("ROLE_EDITOR") && !role.equals("ADMIN")) {
                role = "EDITOR";
            } else if (name.equals(ConsoleUsers.MESSAGE_VIEW)) {
                messageView = true;
            }
        }
        return new Me(auth.getName(), role, !role.equals("VIEWER"), role.equals("ADMIN"), messageView);
    }
}
