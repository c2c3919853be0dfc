package io.herald.server.console;

import io.herald.server.catalog.AppService;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * SDK instances seen by heartbeat, per app or all: online ones by default; {@code ?status=stale} shows
 * those without heartbeat for {@code herald.push.stale-after}, {@code ?status=all} both.
 */
@Controller
class InstancePages {

    private final ConsoleStats stats;
    private final AppService apps;

    InstancePages(ConsoleStats stats, AppService apps) {
        this.stats = stats;
        this.apps = apps;
    }

    @GetMapping("/instances")
    String all(@RequestParam(required = false) String app, @RequestParam(required = false) String status, Caller caller,
               HttpServletRequest request, Model model) {
        String a = TopicPages.blankToNull(app);
        if (a != null) {
            apps.get(caller, a);
        }
        return render(a, status, request, model);
    }

    @GetMapping("/apps/{name}/instances")
    String ofApp(@PathVariable String name, @RequestParam(required = false) String status, Caller caller,
                 HttpServletRequest request, Model model) {
        apps.get(caller, name);
        return render(name, status, request, model);
    }

    private String render(String app, String status, HttpServletRequest request, Model model) {
        ConsoleStats.InstanceFilter filter = ConsoleStats.InstanceFilter.of(status);
        model.addAttribute("app", app);
        model.addAttribute("status", filter.param());
        model.addAttribute("instances", stats.instances(app, filter));
        model.addAttribute("summary", stats.instanceSummary(app));
        model.addAttribute("latest", app == null ? null : stats.latestVersion(app));
        model.addAttribute("staleAfterMillis", stats.staleAfter().toMillis());
        return Views.of(request, "instances/list", "fragments/instances :: list");
    }
}
