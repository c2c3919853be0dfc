package io.herald.server.security;

import io.herald.server.common.ApiHeaders;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Who calls the API, by {@code Authorization: Bearer <token>}: the admin token or an app's API key
 * (whose app the catalog tells, through {@link AppKeys}). The API's security filter chain asks this,
 * and so does HTTP ingestion, which answers before that chain for speed and therefore also writes
 * the chain's 401 and its security headers through here.
 */
@Component
public class ApiCallers {

    static final String UNAUTHORIZED_DETAIL =
            "A valid 'Authorization: Bearer <token>' header is required (admin token or the app's API key)";

    private final AdminToken adminToken;
    private final AppKeys appKeys;

    ApiCallers(AdminToken adminToken, AppKeys appKeys) {
        this.adminToken = adminToken;
        this.appKeys = appKeys;
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
        return appKeys.appOf(token).map(Caller::app);
    }

    /** Answers 401 as the API's security chain does. */
    public void unauthorized(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // the body stays in the response buffer, so the headers still go out with it
        ProblemResponses.write(request, response, 401, "Unauthorized", UNAUTHORIZED_DETAIL);
        writeHeaders(request, response);
    }

    /** {@link ApiHeaders#write}: the security headers of an API answer. */
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        ApiHeaders.write(request, response);
    }
}
