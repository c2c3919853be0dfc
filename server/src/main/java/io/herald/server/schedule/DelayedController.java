package io.herald.server.schedule;

import io.herald.server.common.ForbiddenException;
import io.herald.server.security.Caller;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Pending delayed events: list, look at one, cancel one before it is due. */
@RestController
@RequestMapping("/api/v1/delayed")
class DelayedController {

    private final DelayedEvents delayed;

    DelayedController(DelayedEvents delayed) {
        this.delayed = delayed;
    }

    @GetMapping
    List<DelayedEvents.DelayedView> list(Caller caller, @RequestParam(required = false) String app,
                                         @RequestParam(defaultValue = "100") int limit) {
        String filter = app;
        if (!caller.admin() && !caller.readOnly()) {
            if (app != null && !app.equals(caller.app())) {
                throw new ForbiddenException("The caller may not list delayed events of app '" + app + "'");
            }
            filter = caller.app();
        }
        return delayed.list(filter, Math.max(1, Math.min(limit, 1000)));
    }

    @GetMapping("/{id}")
    DelayedEvents.DelayedView get(Caller caller, @PathVariable String id) {
        return delayed.get(caller, id);
    }

    @DeleteMapping("/{id}")
    DelayedEvents.DelayedView cancel(Caller caller, @PathVariable String id) {
        return delayed.cancel(caller, id);
    }
}
