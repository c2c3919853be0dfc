package io.herald.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates API callers by {@code Authorization: Bearer <token>}: the admin token or an app's
 * API key. A request without a valid token stays anonymous and is answered 401 by the entry point.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private final ApiCallers callers;

    BearerTokenFilter(ApiCallers callers) {
        this.callers = callers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        callers.authenticate(request.getHeader("Authorization"))
                .ifPresent(c -> SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(c)));
        chain.doFilter(request, response);
    }
}
