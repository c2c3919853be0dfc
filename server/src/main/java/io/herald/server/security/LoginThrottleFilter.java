package io.herald.server.security;

import io.herald.server.common.DatabaseUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Holds back a console sign-in ({@code POST /login}) that {@link LoginThrottle} says must wait,
 * before its password is checked: the answer is 429 with {@code Retry-After} and the sign-in page,
 * saying how long to wait. It runs after the CSRF check and before Spring Security's login filter,
 * which then sees the request as the page's {@code GET} and leaves it alone.
 */
class LoginThrottleFilter extends OncePerRequestFilter {

    private final LoginThrottle throttle;

    LoginThrottleFilter(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod()) || !"/login".equals(request.getRequestURI().substring(request.getContextPath().length()))) {
            chain.doFilter(request, response);
            return;
        }
        Optional<LoginThrottle.Refusal> refusal;
        try {
            refusal = throttle.check(request.getParameter("username"), request.getRemoteAddr());
        } catch (RuntimeException e) {
            if (DatabaseUnavailableException.in(e).isEmpty()) {
                throw e;
            }
            // PostgreSQL is down: the password cannot be checked either, and the sign-in says so
            chain.doFilter(request, response);
            return;
        }
        if (refusal.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = refusal.get().retryAfterSeconds();
        response.setStatus(429);
        response.setHeader("Retry-After", String.valueOf(seconds));
        request.setAttribute(LoginThrottle.RETRY_AFTER_ATTRIBUTE, seconds);
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getMethod() {
                return "GET";
            }
        }, response);
    }
}
