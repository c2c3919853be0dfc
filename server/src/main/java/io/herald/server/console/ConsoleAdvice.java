package io.herald.server.console;

import io.herald.server.common.DatabaseUnavailableException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * What every console view needs (the user, whether the request came from htmx, the CSRF header
 * for htmx) and how console errors look: a page for a browser, a toast for htmx.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class, annotations = ConsoleFrame.class)
class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    /** The forms' millisecond fields are typed and shown as durations ({@code 7d}, {@code 90s}). */
    @InitBinder
    void durations(WebDataBinder binder) {
        registerDurations(binder);
    }

    static void registerDurations(org.springframework.beans.PropertyEditorRegistry registry) {
        registry.registerCustomEditor(Long.class, "retentionMs", new ConsoleDuration.Editor(true));
        for (String field : DURATION_FIELDS) {
            registry.registerCustomEditor(Long.class, field, new ConsoleDuration.Editor(false));
        }
    }

    static final java.util.List<String> DURATION_FIELDS = java.util.List.of("backoffMillis", "backoffMaxMillis", "expiryMillis",
            "timeoutMillis", "retryIntervalMillis", "processingDelayMillis", "fixedRateMillis", "dedupeWindowMillis");

    @ModelAttribute("me")
    Me me() {
        return current();
    }

    @ModelAttribute("htmx")
    boolean htmx(HttpServletRequest request) {
        return Views.htmx(request);
    }

    /** {@code {"X-CSRF-TOKEN":"…"}} for {@code hx-headers} on the body. */
    @ModelAttribute("csrfHeaders")
    String csrfHeaders(HttpServletRequest request) {
        return csrfJson(request);
    }

    static String csrfJson(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return null;
        }
        // Header names and token values are URL-safe characters: nothing to escape in JSON.
        return "{\"" + token.getHeaderName() + "\":\"" + token.getToken() + "\"}";
    }

    static Me current() {
        return Me.current();
    }

    @ExceptionHandler(NotFoundException.class)
    String notFound(NotFoundException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return problem(request, response, model, HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    String badId(MethodArgumentTypeMismatchException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return problem(request, response, model, HttpStatus.NOT_FOUND, "Not found", "There is no such page.");
    }

    @ExceptionHandler(ForbiddenException.class)
    String forbidden(ForbiddenException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return problem(request, response, model, HttpStatus.FORBIDDEN, "Not allowed", e.getMessage());
    }

    @ExceptionHandler(KafkaUnavailableException.class)
    String kafka(KafkaUnavailableException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        log.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return problem(request, response, model, HttpStatus.SERVICE_UNAVAILABLE, "Kafka unavailable",
                "Kafka did not answer in time; nothing was changed. Try again in a moment.");
    }

    /**
     * PostgreSQL cannot be reached (the pool refused at once, or the connection broke): the
     * "database unavailable" page or toast, 503. Any other database error goes on as before.
     */
    @ExceptionHandler({org.springframework.dao.DataAccessException.class, org.springframework.transaction.TransactionException.class,
            jakarta.persistence.PersistenceException.class})
    String database(RuntimeException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        DatabaseUnavailableException.in(e).orElseThrow(() -> e);
        return databaseDown(request, response, model);
    }

    @ExceptionHandler(DatabaseUnavailableException.class)
    String databaseDown(HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setHeader("Retry-After", Integer.toString(DatabaseUnavailableException.RETRY_AFTER_SECONDS));
        return problem(request, response, model, HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable", ConsoleErrorViews.DATABASE_DOWN);
    }

    /**
     * The browser left before the page was written (a closed tab, a new click, htmx dropping a request):
     * logged at debug, nothing answered. Without this the container logged it at ERROR with its stack.
     */
    @ExceptionHandler({java.io.IOException.class, org.springframework.web.context.request.async.AsyncRequestNotUsableException.class})
    void clientGone(Exception e, HttpServletRequest request) throws Exception {
        if (!io.herald.server.common.ApiProblems.clientGone(e)) {
            throw e;
        }
        log.debug("{} {}: the browser went away ({})", request.getMethod(), request.getRequestURI(), e.toString());
    }

    @ExceptionHandler(HeraldException.class)
    String other(HeraldException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return problem(request, response, model, e.status(), e.title(), e.getMessage());
    }

    private static String problem(HttpServletRequest request, HttpServletResponse response, Model model, HttpStatus status,
                                  String title, String detail) {
        response.setStatus(status.value());
        model.addAttribute("me", current());
        model.addAttribute("htmx", Views.htmx(request));
        model.addAttribute("csrfHeaders", csrfJson(request));
        model.addAttribute("status", status.value());
        model.addAttribute("problemTitle", title);
        model.addAttribute("problemDetail", detail);
        if (request.getHeader("HX-Request") != null) {
            response.setHeader("HX-Retarget", "#toast");
            response.setHeader("HX-Reswap", "innerHTML");
            return "fragments/common :: problem";
        }
        return "error/console";
    }
}
