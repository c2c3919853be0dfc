package io.herald.server.security;

import io.herald.server.catalog.ApiKeyCache;
import io.herald.server.catalog.AppService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates API callers by {@code Authorization: Bearer <token>}: the admin token or an app's
 * API key. A request without a valid token stays anonymous and is answered 401 by the entry point.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private final AdminToken adminToken;
    private final AppService apps;
    private final ApiKeyCache keyCache;

    BearerTokenFilter(AdminToken adminToken, AppService apps, ApiKeyCache keyCache) {
        this.adminToken = adminToken;
        this.apps = apps;
        this.keyCache = keyCache;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).strip();
            Optional<Caller> caller = adminToken.matches(token) ? Optional.of(Caller.admin("admin-token"))
                    : keyCache.remembered(token).or(() -> apps.authenticate(token)).map(Caller::app);
            caller.ifPresent(c -> SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(c)));
        }
        chain.doFilter(request, response);
    }
}
