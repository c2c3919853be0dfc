package io.herald.server.console;

import io.herald.server.catalog.AppService;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** SDK instances seen by heartbeat: per app or all; stale ones (no heartbeat for 60 s) marked. */
@Controller
class InstancePages {

    private final ConsoleStats stats;
    private final AppService apps;

    InstancePages(ConsoleStats stats, AppService apps) {
        this.stats = stats;
        this.apps = apps;
    }

    @GetMapping("/instances")
    String all(@RequestParam(required = false) String app, Caller caller, HttpServletRequest request, Model model) {
        String a = TopicPages.blankToNull(app);
        if (a != null) {
            apps.get(caller, a);
        }
        return render(a, request, model);
    }

    @GetMapping("/apps/{name}/instances")
    String ofApp(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        apps.get(caller, name);
        return render(name, request, model);
    }

    private String render(String app, HttpServletRequest request, Model model) {
        model.addAttribute("app", app);
        model.addAttribute("instances", stats.instances(app));
        model.addAttribute("latest", stats.latestVersion());
        model.addAttribute("staleSeconds", ConsoleStats.STALE_AFTER.getSeconds());
        return Views.of(request, "instances/list", "fragments/instances :: list");
    }
}
