package io.herald.server.ingest;

import io.herald.server.security.ApiCallers;
import io.herald.server.security.Caller;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Serves {@code POST /api/v1/topics/{topic}/events} ahead of Spring Security's filter chain and
 * Spring MVC, which cost two thirds of a single event's server time. It does what they do for this
 * endpoint: the bearer token is checked by the same {@link ApiCallers} (401 problem otherwise, the
 * same security headers on every answer), the producer rule is {@link IngestService}'s, and the
 * {@code http.server.requests} metric keeps the endpoint's URI pattern. Only a plain URI whose topic
 * segment is a valid Kafka topic name is taken here; anything else (percent-encoded, path
 * parameters, other methods) passes on to the chain and {@link IngestController} unchanged.
 */
final class IngestFilter implements Filter {

    private static final String PREFIX = "/api/v1/topics/";
    private static final String SUFFIX = "/events";

    private final ApiCallers callers;
    private final IngestEndpoint endpoint;

    IngestFilter(ApiCallers callers, IngestEndpoint endpoint) {
        this.callers = callers;
        this.endpoint = endpoint;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String topic = "POST".equals(request.getMethod()) ? topic(request.getRequestURI(), request.getContextPath()) : null;
        if (topic == null) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(IngestEndpoint.PATTERN));
        Optional<Caller> caller = callers.authenticate(request.getHeader("Authorization"));
        if (caller.isEmpty()) {
            callers.unauthorized(request, response);
            return;
        }
        endpoint.handle(caller.get(), topic, request, response);
    }

    /** The topic of {@code <context>/api/v1/topics/<topic>/events} when the raw URI is exactly that, else null. */
    static String topic(String uri, String contextPath) {
        int start = contextPath.length() + PREFIX.length();
        int end = uri.length() - SUFFIX.length();
        if (end <= start || !uri.startsWith(contextPath) || !uri.startsWith(PREFIX, contextPath.length())
                || !uri.startsWith(SUFFIX, end)) {
            return null;
        }
        for (int i = start; i < end; i++) {
            char c = uri.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return null;
            }
        }
        String topic = uri.substring(start, end);
        // "." and ".." are path steps, not topics: the servlet container resolves them
        return topic.equals(".") || topic.equals("..") ? null : topic;
    }
}
