package io.herald.server.console;

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

    @Override
    public ModelAndView resolveErrorView(HttpServletRequest request, HttpStatus status, Map<String, Object> model) {
        String title;
        String detail;
        switch (status) {
            case FORBIDDEN -> {
                title = "Not allowed";
                detail = "Your role does not allow this action, or the form had expired. Reload the page and try again.";
            }
            case NOT_FOUND -> {
                title = "Not found";
                detail = "There is no such page.";
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
