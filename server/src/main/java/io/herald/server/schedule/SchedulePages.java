package io.herald.server.schedule;

import io.herald.server.console.ConsoleFrame;
import io.herald.server.console.Views;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The console's schedules: every schedule with its next fire time, one schedule with its coming
 * ticks and its history, pause and resume. One URL serves the page or, for htmx, its fragment. The
 * signed-in user, the htmx flag, the CSRF header and the error pages come from the console's own
 * advice ({@link ConsoleFrame}), as on every console page.
 */
@Controller
@ConsoleFrame
@RequestMapping("/schedules")
class SchedulePages {

    private final ScheduleService schedules;
    private final DelayedEvents delayed;

    SchedulePages(ScheduleService schedules, DelayedEvents delayed) {
        this.schedules = schedules;
        this.delayed = delayed;
    }

    @GetMapping
    String list(Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("schedules", schedules.list(caller, null));
        model.addAttribute("pendingDelayed", delayed.pending());
        model.addAttribute("soonestDelayed", delayed.list(null, 10));
        return Views.of(request, "schedules/list", "fragments/schedules :: list");
    }

    @GetMapping("/{id}")
    String detail(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("s", schedules.get(caller, id));
        model.addAttribute("history", schedules.history(caller, id, 50));
        return Views.of(request, "schedules/detail", "fragments/schedules :: detail");
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
        if (Views.htmx(request)) {
            model.addAttribute("s", s);
            return "fragments/schedules :: status";
        }
        return "redirect:/schedules/" + id;
    }

}
