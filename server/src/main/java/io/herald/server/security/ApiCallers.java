package io.herald.server.security;

import io.herald.server.catalog.ApiKeyCache;
import io.herald.server.common.DatabaseUnavailableException;
import io.herald.server.catalog.AppService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.stereotype.Component;

/**
 * Who calls the API, by {@code Authorization: Bearer <token>}: the admin token or an app's API key
 * (looked up by its hash, {@link ApiKeyCache} first). The API's security filter chain asks this,
 * and so does HTTP ingestion, which answers before that chain for speed and therefore also writes
 * the chain's 401 and its security headers through here.
 */
@Component
public class ApiCallers {

    static final String UNAUTHORIZED_DETAIL =
            "A valid 'Authorization: Bearer <token>' header is required (admin token or the app's API key)";

    /** The headers Spring Security's defaults put on every API answer, in the same order. */
    private static final List<HeaderWriter> HEADERS = List.of(new XContentTypeOptionsHeaderWriter(),
            new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
            new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));

    private final AdminToken adminToken;
    private final AppService apps;
    private final ApiKeyCache keyCache;

    ApiCallers(AdminToken adminToken, AppService apps, ApiKeyCache keyCache) {
        this.adminToken = adminToken;
        this.apps = apps;
        this.keyCache = keyCache;
    }

    /** The caller an {@code Authorization} header names, or empty when it names none or a wrong one. */
    public Optional<Caller> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).strip();
        if (adminToken.matches(token)) {
            return Optional.of(Caller.admin("admin-token"));
        }
        return keyCache.remembered(token).or(() -> checked(token)).map(Caller::app);
    }

    /**
     * The key looked up in the catalog; while PostgreSQL cannot be reached, a key the cache still
     * holds (kept up to date with the catalog, revocations included, until the outage began) is
     * taken, so that HTTP ingestion goes on, and a key it refused (revoked, say) stays refused. Any
     * other key cannot be checked: the outage is thrown.
     */
    private Optional<String> checked(String token) {
        try {
            return apps.authenticate(token);
        } catch (RuntimeException e) {
            if (DatabaseUnavailableException.in(e).isEmpty()) {
                throw e;
            }
            if (keyCache.refusedWhileDown(token)) {
                return Optional.empty();
            }
            Optional<String> known = keyCache.rememberedWhileDown(token);
            if (known.isEmpty()) {
                throw e;
            }
            return known;
        }
    }

    /** Answers 401 as the API's security chain does. */
    public void unauthorized(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // the body stays in the response buffer, so the headers still go out with it
        ProblemResponses.write(request, response, 401, "Unauthorized", UNAUTHORIZED_DETAIL);
        writeHeaders(request, response);
    }

    /**
     * Adds the security headers of an API answer (nosniff, no caching, DENY framing, HSTS over TLS);
     * call it after the answer's own headers and before its body, as the chain writes them on commit.
     */
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        for (HeaderWriter writer : HEADERS) {
            writer.writeHeaders(request, response);
        }
    }
}
