package io.herald.server.console;

import io.herald.server.common.NotFoundException;
import io.herald.server.schedule.DelayedEvents;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Delayed events waiting for their due time, soonest first (optionally of one app), and cancelling one
 * before it is due (audited by the delay store). The same list is at {@code /api/v1/delayed}.
 */
@Controller
@RequestMapping("/delayed")
class DelayedPages {

    static final int LIMIT = 200;

    private final DelayedEvents delayed;

    DelayedPages(DelayedEvents delayed) {
        this.delayed = delayed;
    }

    @GetMapping
    String list(HttpServletRequest request, Model model, @RequestParam(required = false) String app) {
        String a = app == null || app.isBlank() ? null : app.strip();
        model.addAttribute("delayed", delayed.list(a, LIMIT));
        model.addAttribute("pending", delayed.pending());
        model.addAttribute("app", a);
        model.addAttribute("limit", LIMIT);
        return Views.of(request, "delayed/list", "fragments/delayed :: list");
    }

    @PostMapping("/{id}/cancel")
    String cancel(@PathVariable String id, @RequestParam(required = false) String back, Caller caller,
                  HttpServletRequest request, HttpServletResponse response) {
        String target = "schedules".equals(back) ? "/schedules" : "/delayed";
        try {
            DelayedEvents.DelayedView d = delayed.cancel(caller, id);
            return Views.redirect(request, response, target, "Cancelled delayed event " + d.id() + " (" + d.type() + " to "
                    + d.topic() + "); it will not be delivered.");
        } catch (NotFoundException e) {
            return Views.redirect(request, response, target,
                    Map.of("problem", "Delayed event " + id + " is no longer waiting: it was delivered or cancelled."));
        }
    }
}
