package io.herald.server.security;

import io.herald.server.common.DatabaseUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Re-reads a signed-in console user from the database on every request of their session, so that
 * an admin's change applies to the live session at once, on every server instance: a disabled or
 * deleted user's session is ended (the request goes on unauthenticated, so a page leads to the
 * login and htmx gets {@code HX-Refresh}); a changed role or message-view permission replaces the
 * session's authorities before the request is authorized. One primary-key read per console request.
 */
final class ConsoleSessionCheck extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSessionCheck.class);
    private static final List<String> STATIC = List.of("/css/", "/js/", "/webjars/", "/favicon.ico");

    private final ConsoleUsers users;
    private final boolean anonymousWhileDatabaseDown;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    /**
     * @param anonymousWhileDatabaseDown when the user cannot be re-read (PostgreSQL is down): {@code true}
     *                                   lets the request go on as anonymous (health still answers, without
     *                                   details), {@code false} fails it with the outage (the console's
     *                                   "database unavailable" page)
     */
    ConsoleSessionCheck(ConsoleUsers users, boolean anonymousWhileDatabaseDown) {
        this.users = users;
        this.anonymousWhileDatabaseDown = anonymousWhileDatabaseDown;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return STATIC.stream().anyMatch(path::startsWith);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof UsernamePasswordAuthenticationToken && auth.isAuthenticated() && fromSession(auth, request)) {
            try {
                check(auth, request, response);
            } catch (RuntimeException e) {
                if (!anonymousWhileDatabaseDown || DatabaseUnavailableException.in(e).isEmpty()) {
                    throw e;
                }
                // for this request only: the session stays, its user could not be checked
                SecurityContextHolder.clearContext();
            }
        }
        chain.doFilter(request, response);
    }

    /** Only a console sign-in kept in the session is re-read; a token's caller (actuator, API) has no user row. */
    private static boolean fromSession(Authentication auth, HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return false;
        }
        Object kept = session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        return kept instanceof SecurityContext context && context.getAuthentication() != null
                && auth.getName().equals(context.getAuthentication().getName());
    }

    private void check(Authentication auth, HttpServletRequest request, HttpServletResponse response) {
        var user = users.find(auth.getName());
        if (user.isEmpty() || !user.get().enabled()) {
            log.info("Ended the console session of '{}': the user is {}", auth.getName(), user.isEmpty() ? "deleted" : "disabled");
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            SecurityContextHolder.clearContext();
            return;
        }
        List<GrantedAuthority> granted = ConsoleUsers.authorities(user.get().role(), user.get().messageView());
        Set<String> had = names(auth.getAuthorities().stream().filter(ConsoleSessionCheck::grantedByRole).toList());
        if (had.equals(names(granted))) {
            return;
        }
        log.info("Console user '{}' now has {} (was {}): applied to the live session", auth.getName(), names(granted), had);
        // what the sign-in itself proved (Spring Security's FACTOR_PASSWORD) stays
        List<GrantedAuthority> now = new java.util.ArrayList<>(granted);
        auth.getAuthorities().stream().filter(a -> !grantedByRole(a)).forEach(now::add);
        UsernamePasswordAuthenticationToken updated = UsernamePasswordAuthenticationToken.authenticated(
                new User(auth.getName(), "", now), null, now);
        updated.setDetails(auth.getDetails());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(updated);
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
    }

    /** The authorities a console user's row grants: its role and the message-view permission. */
    private static boolean grantedByRole(GrantedAuthority a) {
        return a.getAuthority() != null && (a.getAuthority().startsWith("ROLE_") || a.getAuthority().equals(ConsoleUsers.MESSAGE_VIEW));
    }

    private static Set<String> names(java.util.Collection<? extends GrantedAuthority> authorities) {
        return authorities.stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
    }
}
