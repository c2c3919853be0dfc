package io.herald.server.database;

import io.herald.server.common.ApiHeaders;
import io.herald.server.common.DatabaseUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a request that failed on the way in because PostgreSQL cannot be reached — in a security
 * filter (an API key or a console user that cannot be read), where neither the API's problem
 * mapping nor the console's error pages run — as the rest of Herald answers an outage: 503
 * problem+json with {@code Retry-After} for the API, a toast for htmx, the "database unavailable"
 * page for a browser. Without it the container's error page answered 500 with Spring Boot's JSON.
 */
final class DatabaseOutageFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutageFilter.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            Optional<DatabaseUnavailableException> outage = DatabaseUnavailableException.in(e);
            if (outage.isEmpty() || response.isCommitted()) {
                throw e;
            }
            log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), outage.get().getMessage());
            answer(request, response);
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.reset();
        response.setHeader("Retry-After", Integer.toString(DatabaseUnavailableException.RETRY_AFTER_SECONDS));
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/") || path.startsWith("/v3/api-docs") || path.startsWith("/actuator/")) {
            byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Database unavailable\",\"status\":503,\"detail\":\""
                    + DatabaseUnavailableException.DETAIL + "\",\"instance\":\"" + json(request.getRequestURI()) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(503);
            ApiHeaders.write(request, response);
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } else if (request.getHeader("HX-Request") != null) {
            // the console's toast, as its own refusals show (an error page would answer htmx's "Accept: */*" with JSON)
            response.setStatus(503);
            response.setHeader("HX-Retarget", "#toast");
            response.setHeader("HX-Reswap", "innerHTML");
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write("<div class=\"alert error\" role=\"alert\"><strong>Database unavailable</strong>"
                    + "<div>Herald cannot reach its database (PostgreSQL) right now; nothing was changed. Try again in a moment."
                    + "</div></div>");
        } else {
            // the console's error page (ConsoleErrorViews) says what is wrong
            request.setAttribute(DatabaseUnavailableException.REQUEST_ATTRIBUTE, Boolean.TRUE);
            response.sendError(503);
        }
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
