package io.herald.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.savedrequest.DefaultSavedRequest;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * After a sign-in, back to the page the user asked for, or the dashboard. Spring Security's
 * {@code SavedRequestAwareAuthenticationSuccessHandler} redirects to the saved request's full URL,
 * built from the Host header of the request that was saved, so a forged Host sent the user to
 * another site; this one redirects to the saved path and query only.
 */
final class RelativeSavedRequestRedirect implements AuthenticationSuccessHandler {

    private final RequestCache cache = new HttpSessionRequestCache();

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        SavedRequest saved = cache.getRequest(request, response);
        String target = request.getContextPath() + "/";
        if (saved instanceof DefaultSavedRequest d && "GET".equals(d.getMethod()) && d.getRequestURI() != null
                && d.getRequestURI().startsWith(request.getContextPath() + "/")) {
            target = d.getRequestURI() + (d.getQueryString() == null ? "" : "?" + d.getQueryString());
        }
        // "//host/..." or "/\host" would leave the site
        if (target.startsWith("//") || target.startsWith("/\\")) {
            target = request.getContextPath() + "/";
        }
        cache.removeRequest(request, response);
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        }
        response.sendRedirect(response.encodeRedirectURL(target));
    }
}
