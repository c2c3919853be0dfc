package io.herald.server.console;

import io.herald.server.common.DatabaseUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.ModelAndView;

/**
 * Error pages for browsers (API clients get JSON from Spring Boot's error controller and
 * problem+json from the API): the console frame with a short, safe message; never a stack trace
 * or an exception message.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrorViews implements ErrorViewResolver {

    static final String DATABASE_DOWN = "Herald cannot reach its database (PostgreSQL) right now, so this cannot be shown or "
            + "done; nothing was changed. Events sent over HTTP with a known API key are still accepted. Try again in a moment.";

    @Override
    public ModelAndView resolveErrorView(HttpServletRequest request, HttpStatus status, Map<String, Object> model) {
        String title;
        String detail;
        boolean databaseDown = request.getAttribute(DatabaseUnavailableException.REQUEST_ATTRIBUTE) != null;
        switch (databaseDown ? HttpStatus.SERVICE_UNAVAILABLE : status) {
            case FORBIDDEN -> {
                title = "Not allowed";
                detail = "Your role does not allow this action, or the form had expired. Reload the page and try again.";
            }
            case NOT_FOUND -> {
                title = "Not found";
                detail = "There is no such page.";
            }
            case SERVICE_UNAVAILABLE -> {
                if (!databaseDown) {
                    title = "Unavailable";
                    detail = "Herald cannot complete the request right now; try again in a moment.";
                    break;
                }
                status = HttpStatus.SERVICE_UNAVAILABLE;
                title = "Database unavailable";
                detail = DATABASE_DOWN;
            }
            case UNAUTHORIZED -> {
                title = "Signed out";
                detail = "Please sign in again.";
            }
            default -> {
                title = status.is4xxClientError() ? "Cannot do this" : "Something went wrong";
                detail = status.is4xxClientError() ? "The request was not understood (" + status.value() + ")."
                        : "Herald could not complete the request; the server log has the details.";
            }
        }
        ModelAndView mav = new ModelAndView(request.getHeader("HX-Request") != null ? "fragments/common :: problem" : "error/console");
        mav.setStatus(status);
        mav.addObject("status", status.value());
        mav.addObject("problemTitle", title);
        mav.addObject("problemDetail", detail);
        mav.addObject("me", ConsoleAdvice.current());
        mav.addObject("htmx", Views.htmx(request));
        mav.addObject("csrfHeaders", ConsoleAdvice.csrfJson(request));
        return mav;
    }
}
