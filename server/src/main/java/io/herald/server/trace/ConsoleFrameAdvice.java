package io.herald.server.trace;

import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.security.ConsoleUsers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** The console frame's model and error pages for {@link ConsoleFrame} controllers. */
@ControllerAdvice(annotations = ConsoleFrame.class)
class ConsoleFrameAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleFrameAdvice.class);

    /**
     * The signed-in console user as the frame and these pages see it.
     *
     * @param canEdit     ADMIN or EDITOR: may start and cancel replays
     * @param messageView may see keys and payloads
     */
    record User(String name, String role, boolean canEdit, boolean admin, boolean messageView) {

        static User current() {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
                return null;
            }
            String role = "VIEWER";
            boolean messageView = false;
            for (GrantedAuthority a : auth.getAuthorities()) {
                String name = a.getAuthority();
                if (name.equals("ROLE_ADMIN")) {
                    role = "ADMIN";
                } else if (name.equals("ROLE_EDITOR") && !role.equals("ADMIN")) {
                    role = "EDITOR";
                } else if (name.equals(ConsoleUsers.MESSAGE_VIEW)) {
                    messageView = true;
                }
            }
            return new User(auth.getName(), role, !role.equals("VIEWER"), role.equals("ADMIN"), messageView);
        }
    }

    @ModelAttribute("me")
    User me() {
        return User.current();
    }

    @ModelAttribute("htmx")
    boolean htmx(HttpServletRequest request) {
        return ConsoleViews.htmx(request);
    }

    @ModelAttribute("csrfHeaders")
    String csrfHeaders(HttpServletRequest request) {
        return csrf(request);
    }

    static String csrf(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        // header names and token values are URL-safe characters: nothing to escape in JSON
        return token == null ? null : "{\"" + token.getHeaderName() + "\":\"" + token.getToken() + "\"}";
    }

    @ExceptionHandler(NotFoundException.class)
    String notFound(NotFoundException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return problem(request, response, model, HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    String badId(HttpServletRequest request, HttpServletResponse response, Model model) {
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

    @ExceptionHandler(HeraldException.class)
    String other(HeraldException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return problem(request, response, model, e.status(), e.title(), e.getMessage());
    }

    private static String problem(HttpServletRequest request, HttpServletResponse response, Model model, HttpStatus status,
                                  String title, String detail) {
        response.setStatus(status.value());
        model.addAttribute("me", User.current());
        model.addAttribute("htmx", ConsoleViews.htmx(request));
        model.addAttribute("csrfHeaders", csrf(request));
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
