package io.herald.server.security;

import io.herald.server.common.DatabaseUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates actuator callers by {@code Authorization: Bearer <token>}: the metrics token
 * ({@code herald.metrics.token}, role METRICS) or any API caller's token (the admin token, an app's
 * key). A console session is read by the chain itself; without either the caller stays anonymous.
 */
final class ActuatorTokenFilter extends OncePerRequestFilter {

    private final ApiCallers callers;
    private final String metricsTokenHash;

    ActuatorTokenFilter(ApiCallers callers, String metricsToken) {
        this.callers = callers;
        this.metricsTokenHash = metricsToken == null ? null : Secrets.sha256(metricsToken);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            if (metricsTokenHash != null && Secrets.matches(token, metricsTokenHash)) {
                SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                        "metrics-token", "", List.of(new SimpleGrantedAuthority("ROLE_METRICS"))));
            } else {
                try {
                    callers.authenticate(authorization)
                            .ifPresent(c -> SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(c)));
                } catch (RuntimeException e) {
                    // an app key that cannot be checked while PostgreSQL is down: health answers it as anyone else
                    if (DatabaseUnavailableException.in(e).isEmpty()) {
                        throw e;
                    }
                }
            }
        }
        chain.doFilter(request, response);
    }
}
