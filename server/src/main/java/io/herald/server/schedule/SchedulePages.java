package io.herald.server.schedule;

import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The console's schedules: every schedule with its next fire time, one schedule with its coming
 * ticks and its history, pause and resume. One URL serves the page or, for htmx, its fragment.
 */
@Controller
@io.herald.server.console.ConsoleFrame
@RequestMapping("/schedules")
class SchedulePages {

    private final ScheduleService schedules;
    private final DelayedEvents delayed;

    SchedulePages(ScheduleService schedules, DelayedEvents delayed) {
        this.schedules = schedules;
        this.delayed = delayed;
    }

    /** The signed-in user as the console frame needs it (this controller lives outside the console package). */
    record Me(String name, String role, boolean canEdit, boolean admin, boolean messageView) {
    }

    @ModelAttribute("me")
    Me me() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return null;
        }
        String role = auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_ADMIN")) ? "ADMIN"
                : auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_EDITOR")) ? "EDITOR" : "VIEWER";
        return new Me(auth.getName(), role, !role.equals("VIEWER"), role.equals("ADMIN"), false);
    }

    @ModelAttribute("htmx")
    boolean htmx(HttpServletRequest request) {
        return fragmentOnly(request);
    }

    @ModelAttribute("csrfHeaders")
    String csrfHeaders(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? null : "{\"" + token.getHeaderName() + "\":\"" + token.getToken() + "\"}";
    }

    @GetMapping
    String list(Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("schedules", schedules.list(caller, null));
        model.addAttribute("pendingDelayed", delayed.pending());
        model.addAttribute("soonestDelayed", delayed.list(null, 10));
        return fragmentOnly(request) ? "fragments/schedules :: list" : "schedules/list";
    }

    @GetMapping("/{id}")
    String detail(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("s", schedules.get(caller, id));
        model.addAttribute("history", schedules.history(caller, id, 50));
        return fragmentOnly(request) ? "fragments/schedules :: detail" : "schedules/detail";
    }

    @PostMapping("/{id}/pause")
    String pause(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        return setPaused(id, true, caller, request, model);
    }

    @PostMapping("/{id}/resume")
    String resume(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        return setPaused(id, false, caller, request, model);
    }

    private String setPaused(long id, boolean paused, Caller caller, HttpServletRequest request, Model model) {
        ScheduleView s = schedules.update(caller, id, new ScheduleService.ScheduleRequest(null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, paused));
        if (fragmentOnly(request)) {
            model.addAttribute("s", s);
            return "fragments/schedules :: status";
        }
        return "redirect:/schedules/" + id;
    }

    /** htmx asked for a fragment (boosted and history-restore requests want whole pages). */
    static boolean fragmentOnly(HttpServletRequest request) {
        return request.getHeader("HX-Request") != null && request.getHeader("HX-Boosted") == null
                && request.getHeader("HX-History-Restore-Request") == null;
    }

}
